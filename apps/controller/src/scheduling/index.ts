import { SchedulerService } from './scheduler.service';

export { SchedulerService, schedulingCluster } from './scheduler.service';
export const SCHEDULING_PROVIDERS = [SchedulerService];
