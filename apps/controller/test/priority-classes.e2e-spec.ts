import { type ApiHarness, kubectlExpecting, rows, startApiHarness } from './api-harness';

/**
 * scheduling.k8s.io/v1 PriorityClasses and pod priority admission with the
 * real kubectl: the built-ins, a class from YAML, one global default, and
 * pods that get `spec.priority` from the class they name (or are refused).
 * One server for the file; steps build on each other.
 */
jest.setTimeout(90_000);

const klass = (name: string, value: number, extra = '') =>
  `apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: ${name}\nvalue: ${value}\n${extra}`;

describe('kubectl with PriorityClasses', () => {
  let h: ApiHarness;
  let k: ApiHarness['kubectl'];

  const { ok, fails } = kubectlExpecting(() => h);
  /** A refused write appends nothing: the head of the log does not move. */
  const refusedWithoutAppend = async (args: string[]) => {
    const head = await h.head();
    const stderr = await fails(args);
    expect(await h.head()).toBe(head);
    return stderr;
  };
  const podSpec = (name: string) => ok(['get', 'pod', name, '-o', 'jsonpath={.spec.priorityClassName} {.spec.priority} {.spec.preemptionPolicy}']);

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 1, podStartMs: 50, podStopMs: 50 });
    k = h.kubectl;
  });
  afterAll(() => h?.dispose());

  it('kubectl get priorityclasses shows the two built-ins as upstream prints them (short name pc)', async () => {
    const [header, ...list] = rows(await ok(['get', 'priorityclasses']));
    expect(header).toEqual(['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY']);
    expect(list.map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      ['system-cluster-critical', '2000000000', 'false', 'PreemptLowerPriority'],
      ['system-node-critical', '2000001000', 'false', 'PreemptLowerPriority'],
    ]);
    expect(await ok(['get', 'pc', 'system-node-critical', '-o', 'jsonpath={.value} {.description}'])).toBe(
      '2000001000 Used for system critical pods that must not be moved from their current node.',
    );
  });

  it('a class from YAML is created with its defaults; a user value above 1000000000 is refused (422)', async () => {
    expect(await ok(['apply', '-f', h.file('high.yaml', klass('high', 1_000_000, 'description: "for daemons that must run"\n'))])).toBe('priorityclass.scheduling.k8s.io/high created\n');
    expect(await ok(['get', 'pc', 'high', '-o', 'jsonpath={.value} {.preemptionPolicy} {.globalDefault}'])).toBe('1000000 PreemptLowerPriority ');
    const stderr = await refusedWithoutAppend(['apply', '-f', h.file('huge.yaml', klass('huge', 1_000_000_001))]);
    expect(stderr).toContain('value: Forbidden: maximum allowed value of a user defined priority is 1000000000');
    expect(await refusedWithoutAppend(['apply', '-f', h.file('sys.yaml', klass('system-mine', 5))])).toContain("priority class names with 'system-' prefix are reserved for system use only");
  });

  it('a value cannot change; a built-in cannot be deleted (403)', async () => {
    expect(await refusedWithoutAppend(['patch', 'pc', 'high', '--type=merge', '-p', '{"value":5}'])).toContain('value: Forbidden: may not be changed in an update.');
    expect(await refusedWithoutAppend(['delete', 'pc', 'system-node-critical'])).toContain(
      'Error from server (Forbidden): priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted',
    );
    expect(await refusedWithoutAppend(['create', '-f', h.file('dup.yaml', klass('system-cluster-critical', 2_000_000_000))])).toContain('priorityclasses.scheduling.k8s.io "system-cluster-critical" already exists');
  });

  it('only one global default: a second is refused with upstream’s message', async () => {
    expect(await ok(['apply', '-f', h.file('standard.yaml', klass('standard', 1000, 'globalDefault: true\n'))])).toBe('priorityclass.scheduling.k8s.io/standard created\n');
    const stderr = await refusedWithoutAppend(['apply', '-f', h.file('other.yaml', klass('other-default', 2000, 'globalDefault: true\n'))]);
    expect(stderr).toContain('priorityclasses.scheduling.k8s.io "other-default" is forbidden: PriorityClass standard is already marked as default. Only one default can exist');
    // Nor may an existing class become a second default.
    expect(await refusedWithoutAppend(['patch', 'pc', 'high', '--type=merge', '-p', '{"globalDefault":true}'])).toContain('PriorityClass standard is already marked as default');
    const list = rows(await ok(['get', 'pc']));
    expect(list.find((r) => r[0] === 'standard')?.slice(1, 3)).toEqual(['1000', 'true']);
  });

  it('kubectl run --overrides naming a class: the pod gets its priority; no class: the global default', async () => {
    expect(await ok(['run', 'daemon-like', '--image=nginx', '--overrides={"spec":{"priorityClassName":"high"}}'])).toBe('pod/daemon-like created\n');
    expect(await podSpec('daemon-like')).toBe('high 1000000 PreemptLowerPriority');
    expect(await ok(['run', 'plain', '--image=nginx'])).toBe('pod/plain created\n');
    expect(await podSpec('plain')).toBe('standard 1000 PreemptLowerPriority');
    // A relabel (a PATCH) keeps what admission resolved.
    expect(await ok(['label', 'pod', 'daemon-like', 'tier=infra'])).toBe('pod/daemon-like labeled\n');
    expect(await podSpec('daemon-like')).toBe('high 1000000 PreemptLowerPriority');
  });

  it('an unknown class is refused (403) with upstream’s message, and so is a priority the class does not give', async () => {
    const stderr = await refusedWithoutAppend(['run', 'lost', '--image=nginx', '--overrides={"spec":{"priorityClassName":"platinum"}}']);
    expect(stderr).toContain('Error from server (Forbidden): pods "lost" is forbidden: no PriorityClass with name platinum was found');
    expect(await refusedWithoutAppend(['run', 'greedy', '--image=nginx', '--overrides={"spec":{"priorityClassName":"high","priority":2000000}}'])).toContain(
      'pods "greedy" is forbidden: the integer value of priority (2000000) must not be provided in pod spec; priority admission controller computed 1000000 from the given PriorityClass name',
    );
    expect((await k(['get', 'pod', 'lost'])).code).not.toBe(0);
  });

  it('a user class can be deleted', async () => {
    expect(await ok(['delete', 'pc', 'high'])).toBe('priorityclass.scheduling.k8s.io "high" deleted\n');
    expect(rows(await ok(['get', 'pc'])).map((r) => r[0])).toEqual(['NAME', 'standard', 'system-cluster-critical', 'system-node-critical']);
  });
});
