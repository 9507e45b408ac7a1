import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateTls, loadOrCreateTokens, writeKubeconfigs } from '../../../controller/src/api/auth/credentials';
import { main } from '../main';
import { renderRollout, type Rollout, type RolloutAudit } from './audit';

/**
 * `kubectl ledger audit` against a stub of the rollouts resource (shapes.md,
 * ledger.daemonledger.io/v1), served over TLS with the kubeconfig the real
 * server writes: the request paths, the Table, the node-by-node replay.
 */
const ROLLOUT: Rollout = {
  apiVersion: 'ledger.daemonledger.io/v1',
  kind: 'Rollout',
  metadata: { name: 'nginx-ds-2', namespace: 'default' },
  spec: { daemonSet: 'nginx-ds', daemonSetUID: '7d1f0c2e-0000-4000-8000-000000000001', rollout: 2, fromRevision: 1, toRevision: 2, toHash: '5b8c7d9f6c', strategy: 'RollingUpdate', maxUnavailable: 1, maxSurge: 0, nodeCount: 2, changeCause: 'kubectl set image ds/nginx-ds nginx-ds=nginx:1.9.1', requestedBy: 'user:admin' },
  status: {
    state: 'Complete', desired: 2, updated: 2, available: 2, unavailable: 0,
    startedAt: '2026-12-02T12:00:00Z', endedAt: '2026-12-02T12:00:09Z', startPosition: 40, lastPosition: 61,
    nodes: [
      { node: 'node-0', oldPod: 'nginx-ds-aaaaa', newPod: 'nginx-ds-bbbbb', steps: [
        { step: 'OldPodStopRequested', time: '2026-12-02T12:00:01Z', position: 41, actor: 'daemonset-controller' },
        { step: 'NewPodCreated', time: '2026-12-02T12:00:03Z', position: 44, actor: 'daemonset-controller' },
        { step: 'Ready', time: '2026-12-02T12:00:05Z', position: 47, actor: 'node-agent:node-0' },
      ] },
      { node: 'node-1', oldPod: 'nginx-ds-ccccc', steps: [{ step: 'WaitingForMaxUnavailable', time: '2026-12-02T12:00:01Z', position: 42, actor: 'daemonset-controller', message: '1 of 1 unavailable' }] },
    ],
  },
};
const AUDIT: RolloutAudit = {
  correlationId: 'c0ffee',
  entries: [{ position: 41, time: '2026-12-02T12:00:01Z', actor: 'daemonset-controller', object: 'pod/nginx-ds-aaaaa', event: 'PodDeletionRequested', detail: 'reason rolling-update' }],
};
const TABLE = {
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  columnDefinitions: ['Name', 'DaemonSet', 'From', 'To', 'State', 'Updated', 'Started', 'Duration', 'By', 'Cause'].map((name) => ({ name, type: 'string' })),
  rows: [{ cells: ['nginx-ds-2', 'nginx-ds', 1, 2, 'Complete', '2/2', '5m', '9s', 'user:admin', 'kubectl set image …'], object: { metadata: { name: 'nginx-ds-2' } } }],
};

describe('kubectl ledger audit (against a stub of the rollouts API)', () => {
  let dir: string;
  let server: Server;
  let kubeconfig: string;
  const seen: { path: string; accept?: string; auth?: string }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-audit-'));
    const tls = loadOrCreateTls(dir, '127.0.0.1');
    const tokens = loadOrCreateTokens(dir);
    server = createServer(tls, (req, res) => {
      seen.push({ path: req.url!, accept: req.headers.accept, auth: req.headers.authorization });
      const base = '/apis/ledger.daemonledger.io/v1/namespaces/default/rollouts';
      const body =
        req.url === `${base}?labelSelector=ledger.daemonledger.io%2Fdaemonset%3Dnginx-ds` ? TABLE
          : req.url === `${base}/nginx-ds-2` ? ROLLOUT
            : req.url === `${base}/nginx-ds-2/audit` ? AUDIT
              : undefined;
      res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `rollouts.ledger.daemonledger.io "${req.url!.split('/').pop()}" not found` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    kubeconfig = writeKubeconfigs(dir, `https://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens, tls.cert).viewer;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await main([...argv, `--kubeconfig=${kubeconfig}`], { out: (t) => (out += t), err: (t) => (err += t), env: {} });
    return { code, out, err };
  };

  it('lists the rollouts of the DaemonSet as a Table, selected by label', async () => {
    const r = await run(['audit', 'ds/nginx-ds']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'DAEMONSET', 'FROM', 'TO', 'STATE', 'UPDATED', 'STARTED', 'DURATION', 'BY', 'CAUSE']);
    expect(r.out.split('\n')[1].split(/\s{2,}/)).toEqual(['nginx-ds-2', 'nginx-ds', '1', '2', 'Complete', '2/2', '5m', '9s', 'user:admin', 'kubectl set image …']);
    expect(seen.at(-1)).toMatchObject({ accept: expect.stringMatching(/^application\/json;as=Table;v=v1;g=meta.k8s.io/), auth: expect.stringMatching(/^Bearer /) });
  });

  it('replays one rollout node by node, and with --events every event it caused', async () => {
    const r = await run(['audit', 'ds/nginx-ds', '--rollout', '2', '--events']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(renderRollout(ROLLOUT, AUDIT));
    expect(seen.slice(-2).map((s) => s.path)).toEqual(['/apis/ledger.daemonledger.io/v1/namespaces/default/rollouts/nginx-ds-2', '/apis/ledger.daemonledger.io/v1/namespaces/default/rollouts/nginx-ds-2/audit']);
  });

  it('renders the replay: summary, one row per step with time, position and actor', () => {
    expect(renderRollout(ROLLOUT)).toBe(
      [
        'Rollout:     nginx-ds-2 (daemonset default/nginx-ds, rollout #2)',
        'Revision:    1 → 2 (5b8c7d9f6c)',
        'Strategy:    RollingUpdate, maxUnavailable 1, maxSurge 0, 2 nodes',
        'Requested:   user:admin (kubectl set image ds/nginx-ds nginx-ds=nginx:1.9.1)',
        'State:       Complete: 2/2 updated, 2 available, 0 unavailable',
        'Started:     2026-12-02T12:00:00Z (position 40)',
        'Ended:       2026-12-02T12:00:09Z',
        'Last change: position 61',
        '',
        'NODE     STEP                       TIME                   POSITION   ACTOR                  POD              MESSAGE',
        'node-0   OldPodStopRequested        2026-12-02T12:00:01Z   41         daemonset-controller   nginx-ds-aaaaa',
        '         NewPodCreated              2026-12-02T12:00:03Z   44         daemonset-controller   nginx-ds-bbbbb',
        '         Ready                      2026-12-02T12:00:05Z   47         node-agent:node-0      nginx-ds-bbbbb',
        'node-1   WaitingForMaxUnavailable   2026-12-02T12:00:01Z   42         daemonset-controller   nginx-ds-ccccc   1 of 1 unavailable',
        '',
      ].join('\n'),
    );
  });

  it('a rollout that does not exist is the server\'s NotFound, exit 1', async () => {
    const r = await run(['audit', 'ds/nginx-ds', '--rollout', '9']);
    expect(r).toEqual({ code: 1, out: '', err: 'Error from server (NotFound): rollouts.ledger.daemonledger.io "nginx-ds-9" not found (rollout #9 of daemonset default/nginx-ds)\n' });
  });
});
