import { Inject, Injectable, Logger, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { openCheckpointStore, type CheckpointStore } from '@daemonledger/event-store';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import type { Transport } from '@daemonledger/messaging';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG, EVENT_STORE, LEADERSHIP, type Leadership, TRANSPORT } from '../../infrastructure/tokens';
import { ClusterState } from '../../projections/cluster-state.service';
import { LogRelay } from './log-relay';
import { OUTBOX_CHECKPOINT, outboxMapper } from './outbox';
import { POD_COMMANDS_CHECKPOINT, podCommandMapper } from './pod-command-relay';
import { CHECKPOINT_STORE } from './relay.tokens';

/**
 * The distributed mode's two relays of the log, both run only by the leader
 * (each follows `Leadership` itself): the events outbox (every event on
 * `TOPICS.events`) and the pod-command relay (RunPod/StopPod on
 * `TOPICS.nodeCommands`). Each has its own checkpoint beside the log.
 */
@Injectable()
export class Relays implements OnApplicationShutdown {
  private readonly log = new Logger('Relays');
  private ownCheckpoints?: CheckpointStore;
  outbox?: LogRelay;
  podCommands?: LogRelay;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
    private readonly state: ClusterState,
    @Optional() @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore | null = null,
  ) {}

  /** Opens the checkpoints (beside the configured log, unless provided) and follows leadership: relaying while leader. */
  async start(): Promise<void> {
    if (this.outbox) return;
    const checkpoints = this.checkpoints ?? (this.ownCheckpoints = await openCheckpointStore(this.config.eventStore));
    const common = { store: this.store, checkpoints, transport: this.transport, leadership: this.leadership };
    const onError = (what: string) => (e: unknown) => this.log.warn(`${what}: ${(e as Error).message ?? e} (retrying)`);
    this.outbox = new LogRelay({ ...common, name: OUTBOX_CHECKPOINT, map: outboxMapper, onError: onError('events outbox') });
    this.podCommands = new LogRelay({
      ...common,
      name: POD_COMMANDS_CHECKPOINT,
      map: podCommandMapper({ store: this.store, view: () => this.state.view, waitFor: (p) => this.state.waitFor(p) }),
      onError: onError('pod-command relay'),
    });
    this.outbox.start();
    this.podCommands.start();
  }

  /** Stops both (a batch sent but not yet checkpointed is sent again by the next leader) and closes the checkpoints opened here. */
  async stop(): Promise<void> {
    await Promise.all([this.outbox?.stop(), this.podCommands?.stop()]);
    await this.ownCheckpoints?.close();
    this.ownCheckpoints = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
