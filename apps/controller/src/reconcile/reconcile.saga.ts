import { Injectable } from '@nestjs/common';
import { type ICommand, type IEvent, ofType, Saga } from '@nestjs/cqrs';
import { type Observable, filter, map, merge, mergeMap } from 'rxjs';
import { ReconcileDaemonSet } from '../commands/cluster.commands';
import { ClusterState } from '../projections/cluster-state.service';
import { CaughtUp, Recorded } from '../projections/recorded';
import { LeadershipResync } from './leadership-resync.service';

const toCommand = (key: string) => {
  const slash = key.indexOf('/');
  return new ReconcileDaemonSet(key.slice(0, slash), key.slice(slash + 1));
};

/**
 * When to reconcile — never what. Every recorded event names the DaemonSets
 * it may concern; catching up with the log (start, restart) and becoming
 * the leader concern all.
 */
@Injectable()
export class ReconcileSaga {
  constructor(private readonly state: ClusterState) {}

  @Saga()
  reconcile = (events$: Observable<IEvent>): Observable<ICommand> =>
    merge(
      events$.pipe(
        ofType(Recorded),
        filter((r) => r.affects.length > 0),
        mergeMap((r) => r.affects),
      ),
      events$.pipe(
        ofType(CaughtUp, LeadershipResync),
        mergeMap(() => this.state.view.allDaemonSets().map((d) => `${d.metadata.namespace}/${d.metadata.name}`)),
      ),
    ).pipe(map(toCommand));
}
