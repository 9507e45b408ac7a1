import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiHarness, MANIFESTS, startApiHarness } from './api-harness';
jest.setTimeout(120_000);
it('dump', async () => {
  const h: ApiHarness = await startApiHarness({ nodes: 5, podStartMs: 300, podStopMs: 300 });
  try {
    const k = async (name: string, args: string[], o?: any) => { const r = await h.kubectl(args, o); writeFileSync(`/tmp/k14/${name}.txt`, r.stdout + '\n---stderr---\n' + r.stderr); return r; };
    await k('apply', ['apply', '-f', join(MANIFESTS, 'nginx-ds.yaml')]);
    await k('status', ['rollout', 'status', 'ds/nginx-ds', '--timeout=60s']);
    await k('getds', ['get', 'ds']);
    await k('getpodwide', ['get', 'pod', '-o', 'wide']);
    const pod = (await h.kubectl(['get', 'pod', '-o', 'name'])).stdout.split('\n')[0];
    await k('describepod', ['describe', pod]);
    await k('describenode', ['describe', 'node', 'node-0']);
    await k('podyaml', ['get', pod, '-o', 'yaml']);
    await k('dsyaml', ['get', 'ds', 'nginx-ds', '-o', 'yaml']);
    await k('nodeyaml', ['get', 'node', 'node-0', '-o', 'yaml']);
    const w = k('watch', ['get', 'pod', '-o', 'wide', '-w'], { timeoutMs: 15000 });
    await new Promise((r) => setTimeout(r, 1000));
    await k('setimage', ['set', 'image', 'ds', 'nginx-ds', 'nginx-ds=nginx:1.9.1', '--record=true']);
    await k('status2', ['rollout', 'status', 'ds', 'nginx-ds', '--timeout=60s']);
    await w;
    await k('history', ['rollout', 'history', 'daemonset', 'nginx-ds']);
    await k('cr', ['get', 'controllerrevision', '-l', 'app=nginx-ds']);
    await k('showlabels', ['get', 'pod', '--show-labels']);
  } finally { await h.dispose(); }
});
