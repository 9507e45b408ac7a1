import { LeadershipResyncService } from './leadership-resync.service';
import { ReconcileSaga } from './reconcile.saga';
import { Reconciler } from './reconciler.service';
import { RolloutTracker } from './rollout-tracker.service';

export const RECONCILE_PROVIDERS = [Reconciler, RolloutTracker, ReconcileSaga, LeadershipResyncService];
