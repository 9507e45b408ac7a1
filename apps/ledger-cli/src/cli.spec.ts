import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, UsageError } from './args';
import { findResource, collectionPath, qualifiedName, type ResourceRef } from './discovery';
import { loadConnection } from './kubeconfig';
import { main, VERBS } from './main';
import { renderTable, type Table } from './table';
import { daemonSetArg } from './verb';

describe('flags, as kubectl reads them', () => {
  const spec = { output: { short: 'o', value: true }, 'all-namespaces': { short: 'A', value: false } };
  it.each([
    [['120', 'get', 'ds', '-oyaml', '-A'], { positionals: ['120', 'get', 'ds'], flags: { output: 'yaml', 'all-namespaces': true } }],
    [['-n', 'kube-system', 'get', '--output=json'], { positionals: ['get'], flags: { namespace: 'kube-system', output: 'json' } }],
    [['-n=x', '--kubeconfig', '/k', 'a', '--', '-b'], { positionals: ['a', '-b'], flags: { namespace: 'x', kubeconfig: '/k' } }],
    [['--context=ctx', '-h'], { positionals: [], flags: { context: 'ctx', help: true } }],
  ])('%j', (argv, expected) => expect(parseArgs(argv, spec)).toEqual(expected));

  it.each([
    [['--nope'], 'unknown flag: --nope'],
    [['-x'], "unknown shorthand flag: 'x' in -x"],
    [['-o'], 'flag needs an argument: --output'],
    [['-A=yes'], 'flag --all-namespaces takes no value'],
  ])('refuses %j', (argv, message) => expect(() => parseArgs(argv, spec)).toThrow(new UsageError(message)));

  it('reads ds/<name> in the forms kubectl accepts', () => {
    for (const a of ['ds/nginx', 'daemonset/nginx', 'daemonsets/nginx', 'daemonsets.apps/nginx']) expect(daemonSetArg(a, 'diff')).toBe('nginx');
    expect(() => daemonSetArg('pod/nginx', 'diff')).toThrow('diff needs a DaemonSet as ds/<name>, not "pod/nginx"');
  });
});

describe('the kubeconfig', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-kubeconfig-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('merges the KUBECONFIG list (first file wins), follows current-context, reads CA files and token files beside it', () => {
    write('ca.crt', 'CA PEM');
    write('token', 'file-token\n');
    const a = write(
      'a.yaml',
      `current-context: dev
contexts:
- name: dev
  context: { cluster: c1, user: u1, namespace: team }
- name: ops
  context: { cluster: c2, user: u2 }
clusters:
- name: c1
  cluster: { server: "https://10.0.0.1:6443/", certificate-authority: ca.crt }
users:
- name: u1
  user: { tokenFile: token }
`,
    );
    const b = write(
      'b.yaml',
      `current-context: ignored
clusters:
- name: c1
  cluster: { server: https://shadowed }
- name: c2
  cluster: { server: https://10.0.0.2, certificate-authority-data: ${Buffer.from('CA2').toString('base64')} }
users:
- name: u2
  user: { token: t2 }
`,
    );
    const env = { KUBECONFIG: `${a}:${b}` };
    expect(loadConnection({ env })).toMatchObject({ context: 'dev', server: 'https://10.0.0.1:6443', ca: Buffer.from('CA PEM'), token: 'file-token', namespace: 'team', insecure: false });
    expect(loadConnection({ env, context: 'ops', namespace: 'x' })).toMatchObject({ server: 'https://10.0.0.2', ca: Buffer.from('CA2'), token: 't2', namespace: 'x' });
    expect(loadConnection({ env, context: 'ops' }).namespace).toBe('default');
    expect(() => loadConnection({ env, context: 'nope' })).toThrow('context "nope" does not exist');
    expect(() => loadConnection({ kubeconfig: join(dir, 'missing') })).toThrow(`stat ${join(dir, 'missing')}: no such file or directory`);
    expect(() => loadConnection({ env: { HOME: dir } })).toThrow(/^no kubeconfig found \(looked at .*\.kube\/config\)/);
  });
});

describe('printing', () => {
  const table: Table = {
    kind: 'Table',
    columnDefinitions: [
      { name: 'Name', type: 'string' },
      { name: 'Ready', type: 'string' },
      { name: 'Node', type: 'string', priority: 1 },
    ],
    rows: [
      { cells: ['nginx-ds-abcde', '1/1', 'node-0'], object: { metadata: { name: 'nginx-ds-abcde', namespace: 'default' } } },
      { cells: ['fluentd-x', '0/1', null], object: { metadata: { name: 'fluentd-x', namespace: 'kube-system' } } },
    ],
  };

  it('prints a Table like kubectl get: priority columns with wide, NAMESPACE with -A', () => {
    expect(renderTable(table)).toBe('NAME             READY\nnginx-ds-abcde   1/1\nfluentd-x        0/1\n');
    expect(renderTable(table, { wide: true, withNamespace: true })).toBe(
      'NAMESPACE     NAME             READY   NODE\ndefault       nginx-ds-abcde   1/1     node-0\nkube-system   fluentd-x        0/1     <none>\n',
    );
  });

  it('finds resources by plural, singular, short name, kind, and group', () => {
    const ref = (group: string, resource: string, kind: string, shortNames: string[] = []): ResourceRef => ({
      group, version: 'v1', resource, kind, namespaced: true, singular: kind.toLowerCase(), shortNames,
    });
    const all = [ref('events.k8s.io', 'events', 'Event', ['ev']), ref('', 'events', 'Event', ['ev']), ref('', 'pods', 'Pod', ['po']), ref('apps', 'daemonsets', 'DaemonSet', ['ds']), ref('ledger.daemonledger.io', 'rollouts', 'Rollout')];
    expect(['ds', 'daemonset', 'daemonsets', 'DaemonSet', 'daemonsets.apps', 'ds.apps'].map((a) => findResource(all, a)?.resource)).toEqual(Array(6).fill('daemonsets'));
    expect(findResource(all, 'ev')?.group).toBe('');
    expect(findResource(all, 'events.events.k8s.io')?.group).toBe('events.k8s.io');
    expect(findResource(all, 'rollout')?.group).toBe('ledger.daemonledger.io');
    expect(findResource(all, 'widgets')).toBeUndefined();
    expect(collectionPath(findResource(all, 'ds')!, 'default')).toBe('/apis/apps/v1/namespaces/default/daemonsets');
    expect(collectionPath(findResource(all, 'po')!, undefined)).toBe('/api/v1/pods');
    expect(qualifiedName(findResource(all, 'ds')!, 'x')).toBe('daemonset.apps/x');
  });
});

describe('the dispatcher', () => {
  const run = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), env: { HOME: '/nonexistent' } });
    return { code, out, err };
  };

  it('has help for the plugin and every verb, by --help, -h or help <verb>', async () => {
    expect(Object.keys(VERBS)).toEqual(['audit', 'at', 'diff', 'pause', 'resume', 'verify']);
    expect(await run(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('Use "kubectl ledger <verb> --help"') });
    expect((await run([])).code).toBe(1);
    for (const verb of Object.keys(VERBS)) {
      for (const argv of [[verb, '--help'], [verb, '-h'], ['help', verb], ['-n', 'x', verb, '-h']]) {
        const r = await run(argv);
        expect({ argv, code: r.code, usage: r.out.includes(`Usage:\n  ${VERBS[verb].usage}\n`) }).toEqual({ argv, code: 0, usage: true });
      }
    }
  });

  it('says what is wrong, and where to look, with exit 1', async () => {
    expect(await run(['rollback', 'ds/x'])).toEqual({ code: 1, out: '', err: 'error: unknown verb "rollback" for "kubectl ledger"; verbs: audit, at, diff, pause, resume, verify\nSee \'kubectl ledger --help\' for usage.\n' });
    expect(await run(['pause', 'pod/x'])).toEqual({ code: 1, out: '', err: 'error: pause needs a DaemonSet as ds/<name>, not "pod/x"\nSee \'kubectl ledger pause --help\' for usage.\n' });
    expect(await run(['diff', 'ds/x', '1'])).toEqual({ code: 1, out: '', err: 'error: revB must be a positive integer\nSee \'kubectl ledger diff --help\' for usage.\n' });
    expect((await run(['at', '120', 'list', 'ds'])).err).toMatch(/^error: at <position\|time> must be followed by get, not "list"/);
    expect((await run(['verify'])).err).toMatch(/^error: no kubeconfig found/);
  });
});
