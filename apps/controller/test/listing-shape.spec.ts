import { cellShape, describeShape, describeTable, splitTable, tableShape, valueShape, watchLifecycles, yamlKeyPaths } from './listing-shape';

describe('listing shapes: what is left of a kubectl listing once cluster-specific values are placeholders', () => {
  describe('valueShape', () => {
    it.each([
      ['a pod name keeps its DaemonSet prefix, its 5-char random suffix goes', 'nginx-ds-6ghj5', '-', 'nginx-ds-<5>'],
      ['a ControllerRevision name keeps its prefix, its hash goes', 'nginx-ds-55c7dcf7bc', '-', 'nginx-ds-<hash>'],
      ['a word that only looks like a suffix (vowels) stays', 'fluentd-logging', '-', 'fluentd-logging'],
      ['the revision-hash label', 'controller-revision-hash=7874f9c78c', '-', 'controller-revision-hash=<hash>'],
      ['a hash of digits only is a hash too', 'nginx-ds-5678924567', '-', 'nginx-ds-<hash>'],
      ['describe times', 'Wed, 13 Mar 2024 22:10:11 +0800', '-', '<time>'],
      ['Go’s zero time is not a time', 'Mon, 01 Jan 0001 00:00:00 +0000', '-', '<zero-time>'],
      ['RFC 3339 timestamps', '"2024-03-13T14:10:11Z"', '-', '"<time>"'],
      ['IPs', 'node-2/10.0.0.4', '-', 'node-2/<ip>'],
      ['node names given, before IPs (seed 001 names its nodes by IP)', '10.202.43.55/10.202.43.55', '10.202.43.55', '<node>/<node>'],
      ['image digests', 'nginx@sha256:' + 'ab'.repeat(32), '-', 'nginx@sha256:<hex64>'],
      ['container ids', 'containerd://' + 'c'.repeat(64), '-', 'containerd://<hex64>'],
      ['uids', '1f0c2a3b-0000-4000-8000-00000000000a', '-', '<uuid>'],
      ['quantities', '102626232Ki', '-', '<num>'],
      ['quantities with a small number', '8Gi', '-', '<num>'],
      ['ages', '4m55s', '-', '<age>'],
      ['small counts stay (they are the same on both sides)', '5', '-', '5'],
      ['long numbers (resource versions, sizes) go', '123456', '-', '<num>'],
    ])('%s', (_name, value, node, want) => expect(valueShape(value, { nodes: node === '-' ? [] : [node] })).toBe(want));
  });

  describe('tables', () => {
    it('splits on runs of 2+ spaces, keeping single-spaced cells (NOMINATED NODE, 27 (23m ago))', () =>
      expect(splitTable('NAME   NOMINATED NODE   RESTARTS\na      <none>           27 (23m ago)\n')).toEqual([
        ['NAME', 'NOMINATED NODE', 'RESTARTS'],
        ['a', '<none>', '27 (23m ago)'],
      ]));

    it.each([
      ['AGE', '2m10s', '<age>'],
      ['AGE', '10.0.0.1', '<not an age: 10.0.0.1>'],
      ['IP', '172.16.217.5', '<ip>'],
      ['IP', '<none>', '<none>'],
      ['NODE', '10.202.43.55', '<node>'],
      ['NODE', '<none>', '<none>'],
      ['RESTARTS', '0', '0'],
      ['RESTARTS', '27 (23m ago)', '27 (<age> ago)'],
      ['READY', '0/1', '0/1'],
      ['STATUS', 'ContainerCreating', 'ContainerCreating'],
    ])('column %s: %s → %s', (column, value, want) => expect(cellShape(column, value)).toBe(want));

    it('a seed row and a DaemonLedger row of the same pod state have the same shape', () => {
      const seed = tableShape('NAME             READY   STATUS    RESTARTS   AGE     IP              NODE\nnginx-ds-6ghj5   1/1     Running   0          4m55s   172.16.217.5    10.202.43.55\n');
      const ours = tableShape('NAME             READY   STATUS    RESTARTS   AGE   IP           NODE\nnginx-ds-74nbs   1/1     Running   0          1s    10.244.2.2   node-2\n');
      expect(ours).toEqual(seed);
      expect(ours.rows[0]).toEqual(['nginx-ds-<5>', '1/1', 'Running', '0', '<age>', '<ip>', '<node>']);
    });

    it('a different READY or an IP where the seed has <none> is a different shape', () => {
      const seed = tableShape('NAME   READY   STATUS        IP\nx-abcde   0/1   Terminating   <none>\n');
      expect(tableShape('NAME   READY   STATUS        IP\nx-fghjk   1/1   Terminating   <none>\n')).not.toEqual(seed);
      expect(tableShape('NAME   READY   STATUS        IP\nx-fghjk   0/1   Terminating   10.0.0.1\n')).not.toEqual(seed);
    });
  });

  describe('watchLifecycles', () => {
    const watch = [
      'NAME             READY   STATUS    RESTARTS   AGE   IP           NODE',
      'nginx-ds-74nbs   1/1     Running   0          1s    10.244.2.2   node-2',
      'nginx-ds-74nbs   0/1     Terminating   0          2s    10.244.2.2   node-2',
      'nginx-ds-74nbs   0/1     Terminating   0          3s    10.244.2.2   node-2',
      'nginx-ds-j7k94   0/1     Pending       0          0s    <none>       <none>',
      'nginx-ds-j7k94   1/1     Running       0          1s    10.244.2.3   node-2',
    ].join('\n');
    it('groups rows by pod in order of appearance and drops repeats of one state', () =>
      expect(watchLifecycles(watch)).toEqual([
        { name: 'nginx-ds-74nbs', states: ['1/1 Running 0 <age> <ip> <node>', '0/1 Terminating 0 <age> <ip> <node>'] },
        { name: 'nginx-ds-j7k94', states: ['0/1 Pending 0 <age> <none> <none>', '1/1 Running 0 <age> <ip> <node>'] },
      ]));
  });

  describe('describe output', () => {
    const text = [
      'Name:             nginx-ds-74nbs',
      'Labels:           app=nginx-ds',
      '                  controller-revision-hash=57d56597f8',
      'Node:             node-2/10.0.0.4',
      'Containers:',
      '  nginx-ds:',
      '    Container ID:   containerd://' + 'a'.repeat(64),
      '    State:          Running',
      '      Started:      Thu, 03 Dec 2026 09:00:35 +0000',
      '    Mounts:',
      '      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-8xk2p (ro)',
      'Conditions:',
      '  Type             Status  LastHeartbeatTime',
      '  ----             ------  -----------------',
      '  MemoryPressure   False   Mon, 01 Jan 0001 00:00:00 +0000',
      '  Ready            True    Thu, 03 Dec 2026 09:00:35 +0000',
      'Events:',
      '  Type    Reason   Age   From      Message',
      '  ----    ------   ----  ----      -------',
      '  Normal  Pulling  1s    kubelet   Pulling image "repo.example:8444/nginx:1.7.9"',
    ].join('\n');

    it('keeps key lines (indent, key, value shape) and leaves continuation lines and table rows out', () =>
      expect(describeShape(text, { nodes: ['node-2'] }, ['Labels'])).toEqual([
        'Name: nginx-ds-<5>',
        'Labels:',
        'Node: <node>/<ip>',
        'Containers:',
        '  nginx-ds:',
        '    Container ID: containerd://<hex64>',
        '    State: Running',
        '      Started: <time>',
        '    Mounts:',
        'Conditions:',
        'Events:',
      ]));

    it('reads a table under its heading, without the dashes', () => {
      expect(describeTable(text, 'Conditions:').map((r) => r[0])).toEqual(['Type', 'MemoryPressure', 'Ready']);
      expect(describeTable(text, 'Mounts:')).toEqual([['/var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-8xk2p (ro)']]);
      expect(describeTable(text, 'Events:')[1].slice(0, 4)).toEqual(['Normal', 'Pulling', '1s', 'kubelet']);
      expect(describeTable(text, 'Nothing:')).toEqual([]);
    });
  });

  describe('yamlKeyPaths', () => {
    it('lists leaf paths, merges sequence items, marks empty mappings and skips what it is told to', () =>
      expect(
        yamlKeyPaths('metadata:\n  name: a\n  managedFields:\n  - manager: x\nspec:\n  containers:\n  - name: c\n    resources: {}\n  - name: d\n    image: i\n', ['metadata.managedFields']),
      ).toEqual(['metadata.name', 'spec.containers[].image', 'spec.containers[].name', 'spec.containers[].resources: {}']));
  });
});
