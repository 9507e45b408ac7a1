import { verifyEvents, type VerifyOutcome } from './verifier';
import { LogBuilder } from './testing/log-builder';
import type { LoggedEvent } from './log-event';

const verify = (log: LogBuilder | LoggedEvent[], densePositions = true): VerifyOutcome =>
  verifyEvents(Array.isArray(log) ? log : log.events, { densePositions });

/** nginx on 3 nodes, revision 1, every pod Ready; the status says 3 should run. */
const settled = (o: Parameters<LogBuilder['daemonSet']>[1] = {}, nodes = 3) => {
  const log = new LogBuilder();
  log.daemonSet('nginx', o);
  log.revision('nginx', 'nginx-rev1', 1);
  const pods = log.readyPods('nginx', nodes);
  log.status('nginx', nodes);
  return { log, pods };
};

describe('the log verifier', () => {
  it('passes a clean rolling update with an undo, and counts what it checked', () => {
    const { log, pods } = settled();
    log.templateChange('nginx', 2);
    log.revision('nginx', 'nginx-rev2', 2);
    for (const [i, old] of pods.entries()) {
      log.stop(old);
      log.gone(old);
      const [, fresh] = log.pod('nginx', `node-${i}`, 'rev2');
      log.tick(1000).ready(fresh);
    }
    log.rolloutCompleted('nginx');
    log.renumber('nginx-rev1', 1, 3); // undo: revision 1 comes back as 3
    const r = verify(log);
    expect(r.violation).toBeUndefined();
    expect(r.counts).toMatchObject({
      events: log.events.length,
      head: log.events.length,
      daemonSets: 1,
      revisionsCreated: 2,
      revisionsRenumbered: 1,
      podsCreated: 6,
      rollingDeletions: 3,
      maxPodsPerNode: 1,
      maxUnavailableSeen: 1,
      live: 3,
    });
  });

  describe('revision-monotonic (invariant 3)', () => {
    it('reports a revision created with a number already used, at its position', () => {
      const { log } = settled();
      log.revision('nginx', 'nginx-rev2', 2);
      const bad = log.revision('nginx', 'nginx-other', 2);
      const r = verify(log);
      expect(r.violation).toMatchObject({ position: bad, rule: 'revision-monotonic' });
      expect(r.violation!.message).toBe(
        'controllerrevision default/nginx-other created as revision 2: daemonset default/nginx already had revision 2, and revision 2 is in use; revision numbers must only grow (invariant 3)',
      );
    });

    it('reports a number below the highest ever, even after that revision was pruned', () => {
      const { log } = settled();
      log.revision('nginx', 'nginx-rev5', 5);
      log.add('controllerrevision-default.nginx-rev5', { type: 'ControllerRevisionDeleted', data: { reason: 'pruned' } });
      const bad = log.revision('nginx', 'nginx-rev4', 4);
      expect(verify(log).violation).toMatchObject({ position: bad, rule: 'revision-monotonic' });
    });

    it('reports an undo that renumbers to max instead of max+1', () => {
      const { log } = settled();
      log.revision('nginx', 'nginx-rev2', 2);
      const bad = log.renumber('nginx-rev1', 1, 2);
      expect(verify(log).violation).toMatchObject({ position: bad, rule: 'revision-monotonic' });
    });

    it('keeps each DaemonSet to its own numbers', () => {
      const { log } = settled();
      log.daemonSet('fluentd');
      log.revision('fluentd', 'fluentd-rev1', 1);
      expect(verify(log).ok).toBe(true);
    });
  });

  describe('one-pod-per-node (invariant 1)', () => {
    it('reports a second live pod on a node outside a surge', () => {
      const { log } = settled();
      const [bad] = log.pod('nginx', 'node-1');
      const r = verify(log);
      expect(r.violation).toMatchObject({ position: bad, rule: 'one-pod-per-node' });
      expect(r.violation!.message).toBe('2 live pods of daemonset default/nginx on node node-1 (default/nginx-node-1-2, default/nginx-node-1-4); at most 1 outside a surge (invariant 1)');
    });

    it('lets a replacement follow a stopped or failed pod', () => {
      const { log, pods } = settled();
      log.stop(pods[0]);
      log.pod('nginx', 'node-0');
      log.failed(pods[1]);
      log.pod('nginx', 'node-1');
      expect(verify(log).ok).toBe(true);
    });

    it('allows two during a surge, never three', () => {
      const { log } = settled({ maxUnavailable: 0, maxSurge: 1 });
      log.templateChange('nginx', 2);
      log.pod('nginx', 'node-0', 'rev2');
      const [bad] = log.pod('nginx', 'node-0', 'rev2');
      expect(verify(log).violation).toMatchObject({ position: bad, rule: 'one-pod-per-node' });
    });

    it('never more surging nodes than maxSurge allows', () => {
      const { log } = settled({ maxUnavailable: 0, maxSurge: 1 });
      log.templateChange('nginx', 2);
      log.pod('nginx', 'node-0', 'rev2');
      const [bad] = log.pod('nginx', 'node-1', 'rev2');
      const r = verify(log);
      expect(r.violation).toMatchObject({ position: bad, rule: 'one-pod-per-node' });
      expect(r.violation!.message).toContain('makes 2 nodes of daemonset default/nginx run an old and a new pod at once; maxSurge allows 1');
    });

    it('counts a surge as over once its new pod is available', () => {
      const { log } = settled({ maxUnavailable: 0, maxSurge: 1 });
      log.templateChange('nginx', 2);
      const [, fresh] = log.pod('nginx', 'node-0', 'rev2');
      log.ready(fresh);
      log.pod('nginx', 'node-1', 'rev2');
      expect(verify(log).ok).toBe(true);
    });
  });

  describe('max-unavailable (invariant 2)', () => {
    it('reports the rolling deletion that takes one node too many down', () => {
      const { log, pods } = settled({ maxUnavailable: 1 });
      log.templateChange('nginx', 2);
      log.stop(pods[0]);
      const bad = log.stop(pods[1]);
      const r = verify(log);
      expect(r.violation).toMatchObject({ position: bad, rule: 'max-unavailable' });
      expect(r.violation!.message).toBe(
        `the rolling update of daemonset default/nginx stopped available pod default/${pods[1]} on node-1: 2 of 3 nodes without an available pod, maxUnavailable allows 1 (invariant 2)`,
      );
    });

    it('scales a percentage against the desired count', () => {
      const { log, pods } = settled({ maxUnavailable: '50%' }, 4);
      log.stop(pods[0]);
      log.stop(pods[1]);
      const bad = log.stop(pods[2]);
      expect(verify(log).violation).toMatchObject({ position: bad, rule: 'max-unavailable' });
    });

    it('does not blame the controller for pods that were already down, or for other reasons', () => {
      const { log, pods } = settled({ maxUnavailable: 1 });
      log.ready(pods[0], false); // a crash: not the controller's doing
      log.ready(pods[1], false);
      log.stop(pods[0]); // replacing an unavailable pod costs no budget
      log.stop(pods[2], 'node-gone'); // not the rolling update
      const r = verify(log);
      expect(r.ok).toBe(true);
      expect(r.counts.rollingDeletions).toBe(1);
    });

    it('treats a pod inside minReadySeconds as unavailable', () => {
      const { log, pods } = settled({ maxUnavailable: 1, minReadySeconds: 10 });
      log.tick(60_000);
      log.stop(pods[0]);
      log.gone(pods[0]);
      const [, fresh] = log.pod('nginx', 'node-0', 'rev2');
      log.ready(fresh);
      log.tick(5_000);
      const bad = log.stop(pods[1]); // fresh is Ready but not yet available
      expect(verify(log).violation).toMatchObject({ position: bad, rule: 'max-unavailable' });

      const later = settled({ maxUnavailable: 1, minReadySeconds: 10 });
      later.log.tick(60_000);
      later.log.stop(later.pods[0]);
      const [, again] = later.log.pod('nginx', 'node-0', 'rev2');
      later.log.ready(again);
      later.log.tick(11_000);
      later.log.stop(later.pods[1]);
      expect(verify(later.log).ok).toBe(true);
    });
  });

  describe('position-hole', () => {
    const withPositions = (positions: number[]) => {
      const { log } = settled();
      return log.events.slice(0, positions.length).map((e, i) => ({ ...e, position: positions[i] }));
    };

    it('reports a hole in dense positions at the first missing one, with the events on both sides', () => {
      const r = verify(withPositions([1, 2, 3, 5, 6, 7, 8]));
      expect(r.violation).toMatchObject({ position: 4, rule: 'position-hole', message: 'event 4 is missing: position 5 follows 3' });
      expect(r.violation!.around.map((e) => e.position)).toEqual([1, 2, 3, 5, 6, 7, 8]);
      expect(verify(withPositions([1, 2, 6])).violation).toMatchObject({ position: 3, message: 'events 3–5 are missing: position 6 follows 2' });
    });

    it('accepts gaps where positions are not dense, never a step back', () => {
      expect(verify(withPositions([10, 250, 4000]), false).ok).toBe(true);
      expect(verify(withPositions([10, 250, 250]), false).violation).toMatchObject({ position: 250, rule: 'position-hole' });
      expect(verify(withPositions([2, 3]), true).violation).toMatchObject({ position: 1, message: 'event 1 is missing: position 2 follows 0' });
    });
  });

  describe('compact events (schema v2) read as their whole forms', () => {
    const compact = (o: Parameters<LogBuilder['daemonSet']>[1] = {}) => {
      const log = new LogBuilder();
      log.daemonSet('nginx', o);
      log.revision('nginx', 'nginx-rev1', 1);
      log.status('nginx', 2);
      const pods = ['node-0', 'node-1', 'node-2'].map((n) => log.compactPod('nginx', n)[1]);
      pods.forEach((p) => log.observed(p, 'Running'));
      log.statusChanged('nginx', 3);
      return { log, pods };
    };

    it('a compact PodCreated belongs to its DaemonSet: a second one on the node is found', () => {
      const { log } = compact();
      expect(verify(log).ok).toBe(true);
      const [bad] = log.compactPod('nginx', 'node-1');
      expect(verify(log).violation).toMatchObject({ position: bad, rule: 'one-pod-per-node' });
    });

    it('a kubelet observation carries readiness and failure; changed status fields carry desired', () => {
      const { log, pods } = compact({ maxUnavailable: 1 });
      log.observed(pods[2], 'Failed');
      log.compactPod('nginx', 'node-2'); // replaces the failed pod: not two live pods
      const bad = log.stop(pods[0]); // node-2 is down already: budget spent
      const r = verify(log);
      expect(r.violation).toMatchObject({ position: bad, rule: 'max-unavailable' });
      expect(r.violation!.message).toContain('2 of 3 nodes without an available pod');
    });
  });

  it('shows three events before and after the violation, and stops there', () => {
    const { log } = settled();
    const [bad] = log.pod('nginx', 'node-2');
    for (let i = 0; i < 5; i++) log.tick(1).status('nginx', 3);
    const r = verify(log);
    expect(r.violation!.around.map((e) => e.position)).toEqual([bad - 3, bad - 2, bad - 1, bad, bad + 1, bad + 2, bad + 3]);
    expect(r.violation!.around[3]).toMatchObject({ streamId: 'pod-default.nginx-node-2-4', type: 'PodCreated', revision: 0, actor: 'daemonset-controller' });
    expect(r.counts.events).toBe(bad);
  });

  it('keeps state per live pod, not per event: a thousand pods come and go, nothing stays', () => {
    const { log, pods } = settled({ maxUnavailable: 1 }, 1);
    let current = pods[0];
    for (let i = 0; i < 1000; i++) {
      log.stop(current);
      log.gone(current);
      current = log.pod('nginx', 'node-0')[1];
      log.ready(current);
    }
    const r = verify(log);
    expect(r.ok).toBe(true);
    expect(r.counts).toMatchObject({ podsCreated: 1001, live: 1, maxPodsPerNode: 1 });
  });
});
