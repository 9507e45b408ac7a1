import 'reflect-metadata';
import { DAEMONSETS_API, LocalApi } from '../src/api/local-api';
import { loadConfig } from '../src/config/config';
import { startEmbedded } from '../src/embedded';
import { manifest } from './harness';

const [dataDir, nodes] = [process.argv[2], Number(process.argv[3])];
const say = (line: string) => process.stdout.write(`${line}\n`);

const main = async () => {
  const config = loadConfig({ DATA_DIR: dataDir, SIM_NODES: String(nodes), SIM_POD_START_MS: '30', LOG_LEVEL: 'error' });
  const e = await startEmbedded({ config, podStopMs: 0 });
  const api = e.app.get(LocalApi);
  const ds = () => e.state.view.daemonSet('default', 'nginx-ds');
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise((r) => setTimeout(r, 10));
  };
  if (!ds()) {
    const m = manifest('nginx-ds.yaml');
    m.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } };
    await api.create(DAEMONSETS_API, 'default', m, { user: 'test' });
  }
  if (ds()!.spec.template.spec.containers[0].image !== 'nginx:1.9.1') {
    await until(() => ds()?.status?.numberAvailable === nodes);
    say('READY');
    await api.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });
  }
  say('ROLLING');
  await until(() => {
    const s = ds()?.status;
    return s?.observedGeneration === ds()?.metadata.generation && s?.updatedNumberScheduled === nodes && s?.numberAvailable === nodes;
  });
  await e.settle();
  say('DONE');
  await e.close();
  process.exit(0);
};

void main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
