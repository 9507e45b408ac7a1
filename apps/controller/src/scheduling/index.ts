import { SchedulerService } from './scheduler.service';

export { SchedulerService } from './scheduler.service';
export { schedulingCluster } from './scheduling-cluster';
export const SCHEDULING_PROVIDERS = [SchedulerService];
