import { auditEntry, readAtPositions } from '@daemonledger/projections';
import { startHarness, manifest, type Harness } from './harness';

/**
 * The audit of a rollout credits every event to the component upstream
 * would name (issue 14): the DaemonSet controller creates and deletes
 * daemon pods, the scheduler binds them, the kubelet (a simulated one:
 * `node-agent:<node>`) reports them and confirms their deletion, the user
 * changed the template.
 */
jest.setTimeout(60_000);

const KUBELET = /^node-agent:node-\d+$/;
const EXPECTED: Record<string, string | RegExp> = {
  DaemonSetCreated: 'user:test',
  DaemonSetSpecChanged: 'user:test',
  ControllerRevisionCreated: 'daemonset-controller',
  DaemonSetStatusChanged: 'daemonset-controller',
  RolloutStarted: 'daemonset-controller',
  RolloutProgressed: 'daemonset-controller',
  RolloutCompleted: 'daemonset-controller',
  PodCreated: 'daemonset-controller',
  PodDeletionRequested: 'daemonset-controller',
  PodBound: 'default-scheduler',
  PodStatusReported: KUBELET,
  PodDeleted: KUBELET,
};

describe('a rollout’s audit, event by event', () => {
  let h: Harness;
  afterAll(() => h?.dispose());

  it('names for each event type the component upstream would (PodBound: default-scheduler, as the Scheduled event does)', async () => {
    h = await startHarness({ nodes: 3 });
    await h.apply(manifest('nginx-ds.yaml'));
    await h.settle();
    await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });
    await h.until(() => h.pods().length === 3 && h.pods().every((p) => p.spec.containers[0].image === 'nginx:1.9.1' && p.status?.phase === 'Running'));
    const rollouts = h.state.view.rolloutTimelines.list('default').filter((r) => r.summary.daemonSet === 'nginx-ds');
    const seen = new Map<string, Set<string>>();
    for (const rollout of rollouts) {
      for await (const e of readAtPositions(h.store, rollout.runs)) {
        const a = auditEntry(e, h.state.view);
        (seen.get(a.event) ?? seen.set(a.event, new Set()).get(a.event)!).add(a.actor);
      }
    }
    // Both rollouts (the create and the image change) bind, report and, for the second, delete pods.
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['PodCreated', 'PodBound', 'PodStatusReported', 'PodDeletionRequested', 'PodDeleted', 'RolloutStarted']));
    for (const [type, actors] of seen) {
      expect({ type, known: type in EXPECTED }).toEqual({ type, known: true });
      for (const actor of actors) expect({ type, actor }).toEqual({ type, actor: expect.stringMatching(EXPECTED[type]) });
    }
    // The node-by-node view (kubectl ledger audit --rollout N) credits its steps the same way.
    const steps = rollouts.flatMap((r) => r.view().nodes().flatMap((n) => n.steps));
    expect(steps.filter((st) => st.step === 'Scheduled').map((st) => st.actor)).toEqual(expect.arrayContaining(['default-scheduler']));
    expect(new Set(steps.filter((st) => st.step === 'Scheduled').map((st) => st.actor))).toEqual(new Set(['default-scheduler']));
    expect(new Set(steps.filter((st) => st.step === 'NewPodCreated').map((st) => st.actor))).toEqual(new Set(['daemonset-controller']));
    // The log itself records it so (not only the audit's reading of it).
    const bound = (await h.store.readAll({ maxCount: 100_000 })).filter((e) => e.type === 'PodBound');
    expect(bound.length).toBeGreaterThan(0);
    expect(new Set(bound.map((e) => e.metadata.actor))).toEqual(new Set(['default-scheduler']));
  });
});
