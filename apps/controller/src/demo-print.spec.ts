import { historyTable, palette, podTable, recordedChangeCause, tabwriter, TABBED_STRING } from './demo-print';
import { aPod, ago, NOW, running, waiting } from './api/wire/spec-fixtures';

describe('the demo prints what kubectl prints', () => {
  describe('colour only where a terminal shows it', () => {
    it.each([
      ['a terminal', true, {}, '\x1b[1m$ x\x1b[0m'],
      ['a pipe or a file', false, {}, '$ x'],
      ['no TTY information', undefined, {}, '$ x'],
      ['a terminal with NO_COLOR=1', true, { NO_COLOR: '1' }, '$ x'],
      ['a terminal with NO_COLOR empty (no-color.org: unset)', true, { NO_COLOR: '' }, '\x1b[1m$ x\x1b[0m'],
    ])('%s', (_name, isTTY, env, want) => expect(palette({ isTTY, env }).bold('$ x')).toBe(want));
  });

  describe('tabwriter aligns as Go text/tabwriter', () => {
    it('pads each column to its widest cell plus 3, at least 6, and leaves the last cell unpadded', () =>
      expect(tabwriter([['NAME', 'AGE', 'X'], ['a', '5s', 'last']])).toBe('NAME   AGE   X\na      5s    last\n'));
    it('rollout history uses padding 2 and no minimum (kubectl tabbedString)', () =>
      expect(tabwriter([['REVISION', 'CHANGE-CAUSE'], ['1', '<none>']], TABBED_STRING)).toBe('REVISION  CHANGE-CAUSE\n1         <none>\n'));
  });

  describe('kubectl get pod', () => {
    const pods = [
      aPod({ name: 'nginx-ds-z4kpb', status: { phase: 'Running', podIP: '10.244.0.7', containerStatuses: [running()] }, spec: { nodeName: 'node-0' } }),
      aPod({ name: 'nginx-ds-6fggj', status: { phase: 'Pending', podIP: undefined, podIPs: undefined, containerStatuses: [waiting('ContainerCreating')] }, spec: { nodeName: 'node-1' } }),
    ];
    it('has kubectl’s columns NAME READY STATUS RESTARTS AGE, rows in name order, laid out as kubectl lays them', () =>
      expect(podTable(pods, NOW)).toBe(
        [
          'NAME             READY   STATUS              RESTARTS   AGE',
          'nginx-ds-6fggj   0/1     ContainerCreating   0          2s',
          'nginx-ds-z4kpb   1/1     Running             0          2s',
          '',
        ].join('\n'),
      ));
    it('-o wide adds IP, NODE, NOMINATED NODE and READINESS GATES', () => {
      const [header, first] = podTable(pods, NOW, { wide: true }).split('\n');
      expect(header.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
      expect(first.split(/\s{2,}/)).toEqual(['nginx-ds-6fggj', '0/1', 'ContainerCreating', '0', '2s', '<none>', 'node-1', '<none>', '<none>']);
    });
    it('ages read as kubectl’s HumanDuration (2m3s, not milliseconds)', () => {
      const old = { ...pods[0], metadata: { ...pods[0].metadata, creationTimestamp: ago(123) } };
      expect(podTable([old], NOW).split('\n')[1]).toMatch(/ 2m3s$/);
    });
  });

  describe('rollout history', () => {
    it('prints the kind/name line with kubectl’s trailing space, <none> for a revision without a change-cause, then a blank line', () =>
      expect(historyTable('nginx-ds', [{ revision: 2, changeCause: 'kubectl set image x --record=true' }, { revision: 1 }])).toBe(
        'daemonset.apps/nginx-ds \nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image x --record=true\n\n',
      ));
  });

  describe('--record records the command line as cli-runtime’s parseCommandArguments does', () => {
    it.each([
      ['seed 001: flags after the arguments, --record as --record=true', 'kubectl set image ds nginx-ds nginx-ds=nginx:1.24.0 --record=true', 'kubectl set image ds nginx-ds nginx-ds=nginx:1.24.0 --record=true'],
      ['a bare --record', 'kubectl set image daemonset/nginx-ds nginx-ds=nginx:1.9.1 --record', 'kubectl set image daemonset/nginx-ds nginx-ds=nginx:1.9.1 --record=true'],
      ['short flags by their long names, with their values', 'kubectl apply -f infra/manifests/nginx-ds.yaml --record', 'kubectl apply --filename=infra/manifests/nginx-ds.yaml --record=true'],
      ['the program’s base name', '/usr/bin/kubectl apply -n kube-system -f x.yaml --record', 'kubectl apply --namespace=kube-system --filename=x.yaml --record=true'],
    ])('%s', (_name, line, want) => expect(recordedChangeCause(line)).toBe(want));
  });
});
