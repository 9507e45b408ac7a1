import { DaemonPodRules, type PodStats } from './daemon-pods';
import { DaemonSetRegistry, type Finding, type VerifyRule } from './daemon-sets';
import { type EventRef, eventRef, type LoggedEvent } from './log-event';
import { RevisionNumbers } from './revision-numbers';

export interface Violation {
  position: number;
  rule: VerifyRule;
  message: string;
  /** A few events before the violating one, the event itself, and a few after (log order). */
  around: EventRef[];
}

export interface VerifyCounts extends PodStats {
  events: number;
  /** Position of the last event folded (0: none). */
  head: number;
  daemonSets: number;
  revisionsCreated: number;
  revisionsRenumbered: number;
}

export interface VerifyOutcome {
  ok: boolean;
  counts: VerifyCounts;
  violation?: Violation;
}

export interface VerifierOptions {
  /**
   * Positions are dense (SQLite: every integer from 1 on is an event) — a gap
   * is a lost or deleted event. EventStoreDB's are byte offsets: there only
   * strict growth is checked.
   */
  densePositions: boolean;
  /** Events shown on each side of a violation (default 3). */
  context?: number;
}

/**
 * The log verifier: one pass over the events in log order, state per
 * DaemonSet, revision, live pod and node — never per event — so a log of any
 * length is checked in bounded memory. It stops at the first violation
 * (position, rule, message), then takes `context` more events to show what
 * followed. Pure: the caller reads the log and feeds it.
 */
export class LogVerifier {
  private readonly daemonSets = new DaemonSetRegistry();
  private readonly revisions = new RevisionNumbers(this.daemonSets);
  private readonly pods = new DaemonPodRules(this.daemonSets);
  private readonly context: number;
  /** The last events folded (kept as they are: turned into refs only for a violation). */
  private readonly before: LoggedEvent[] = [];
  private events = 0;
  private last = 0;
  private violation?: Violation;
  /** Events taken after the one that broke a rule. */
  private after = 0;

  constructor(private readonly options: VerifierOptions) {
    this.context = options.context ?? 3;
  }

  /** A violation was found (the events after it may still be wanted: see `done`). */
  get found(): boolean {
    return this.violation !== undefined;
  }

  /** True once a violation was found and the events after it were taken: feed no more. */
  get done(): boolean {
    return this.violation !== undefined && this.after >= this.context;
  }

  push(e: LoggedEvent): void {
    if (this.violation) {
      if (!this.done) {
        this.violation.around.push(eventRef(e));
        this.after++;
      }
      return;
    }
    this.events++;
    const hole = this.positionFinding(e.position);
    const finding: (Finding & { position?: number }) | undefined = hole ?? this.revisions.apply(e) ?? this.pods.apply(e);
    this.daemonSets.apply(e);
    this.last = Math.max(this.last, e.position);
    if (finding) {
      this.violation = { position: finding.position ?? e.position, rule: finding.rule, message: finding.message, around: [...this.before, e].map(eventRef) };
      return;
    }
    this.before.push(e);
    if (this.before.length > this.context) this.before.shift();
  }

  /**
   * Rule (d). A gap in dense positions is reported at the first missing
   * position (where the lost or deleted event was), as the hash chain
   * reports a deleted row; a step back at the event that took it.
   */
  private positionFinding(position: number): (Finding & { position: number }) | undefined {
    if (position <= this.last) return { rule: 'position-hole', position, message: `position ${position} follows ${this.last}: positions must strictly increase` };
    if (!this.options.densePositions || position === this.last + 1) return undefined;
    const missing = position - this.last - 1;
    return {
      rule: 'position-hole',
      position: this.last + 1,
      message: `${missing === 1 ? `event ${this.last + 1} is` : `events ${this.last + 1}–${position - 1} are`} missing: position ${position} follows ${this.last}`,
    };
  }

  result(): VerifyOutcome {
    const counts: VerifyCounts = {
      events: this.events,
      head: this.last,
      daemonSets: this.daemonSets.seen,
      revisionsCreated: this.revisions.created,
      revisionsRenumbered: this.revisions.renumbered,
      ...this.pods.stats,
    };
    return { ok: this.violation === undefined, counts, ...(this.violation ? { violation: this.violation } : {}) };
  }
}

/** Verifies events already in memory (tests, small logs). */
export const verifyEvents = (events: Iterable<LoggedEvent>, options: VerifierOptions): VerifyOutcome => {
  const v = new LogVerifier(options);
  for (const e of events) {
    v.push(e);
    if (v.done) break;
  }
  return v.result();
};
