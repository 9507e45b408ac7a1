import { controllerOf } from '../controller/pods';
import type { DaemonSetRegistry, Finding } from './daemon-sets';
import type { LoggedEvent } from './log-event';

interface RevisionFacts {
  name: string;
  owner?: string;
  revision: number;
}

/**
 * Invariant 3: the ControllerRevision numbers of a DaemonSet strictly
 * increase over the whole log and are never reused. A create or a renumber
 * must land above the highest number the DaemonSet ever had (an undo
 * renumbers the old revision to max+1); adopting a revision raises that
 * highest number. Memory: one entry per live revision and per DaemonSet.
 */
export class RevisionNumbers {
  private readonly revisions = new Map<string, RevisionFacts>();
  private readonly highest = new Map<string, number>();
  created = 0;
  renumbered = 0;

  constructor(private readonly daemonSets: DaemonSetRegistry) {}

  apply(e: LoggedEvent): Finding | undefined {
    switch (e.type) {
      case 'ControllerRevisionCreated': {
        const r = e.data.revision;
        const facts: RevisionFacts = { name: `${r.metadata.namespace ?? ''}/${r.metadata.name ?? ''}`, owner: controllerOf(r)?.uid, revision: r.revision };
        this.revisions.set(e.streamId, facts);
        this.created++;
        return this.claim(facts, r.revision, `controllerrevision ${facts.name} created as revision ${r.revision}`);
      }
      case 'ControllerRevisionRenumbered': {
        const facts = this.revisions.get(e.streamId);
        if (!facts) return undefined;
        facts.revision = e.data.to;
        this.renumbered++;
        return this.claim(facts, e.data.to, `controllerrevision ${facts.name} renumbered ${e.data.from} → ${e.data.to}`);
      }
      case 'ControllerRevisionOwnerChanged': {
        const facts = this.revisions.get(e.streamId);
        if (!facts) return undefined;
        facts.owner = e.data.ownerReference?.controller === true ? e.data.ownerReference.uid : undefined;
        if (facts.owner !== undefined) this.highest.set(facts.owner, Math.max(this.highest.get(facts.owner) ?? 0, facts.revision));
        return undefined;
      }
      case 'ControllerRevisionDeleted':
        this.revisions.delete(e.streamId);
        return undefined;
      case 'DaemonSetDeleted': {
        const ds = this.daemonSets.ofStream(e.streamId);
        if (ds) this.highest.delete(ds.uid);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** `facts` now carries `n`: above the owner's highest, or a violation. */
  private claim(facts: RevisionFacts, n: number, what: string): Finding | undefined {
    if (facts.owner === undefined) return undefined;
    const highest = this.highest.get(facts.owner) ?? 0;
    if (n > highest) {
      this.highest.set(facts.owner, n);
      return undefined;
    }
    const ds = this.daemonSets.find(facts.owner)?.key ?? `uid ${facts.owner}`;
    const reused = [...this.revisions.values()].some((o) => o !== facts && o.owner === facts.owner && o.revision === n);
    return {
      rule: 'revision-monotonic',
      message: `${what}: daemonset ${ds} already had revision ${highest}${reused ? `, and revision ${n} is in use` : ''}; revision numbers must only grow (invariant 3)`,
    };
  }
}
