import type { Pod, PodStatus } from '@daemonledger/domain/api/types';
import { hasImage } from '@daemonledger/domain/cluster/kubelet-images';
import { ImageRegistry } from './image-registry';
import { type PodRef, SimulatedKubelet } from './simulated-kubelet';

/** One simulated kubelet with fast stages, its reports collected as the controller would receive them. */
const aKubelet = (podStartMs = 40) => {
  const reports: { name: string; status: PodStatus; pulls?: (number | null)[] }[] = [];
  const gone: string[] = [];
  const kubelet = new SimulatedKubelet(
    { nodeName: 'node-1', nodeIP: '10.0.0.3', podIPPrefix: '10.244.1.', podStartMs, podStopMs: 20, pullBackoffMs: 10, failures: [], now: () => new Date() },
    new ImageRegistry(new Map()),
    { status: (p: PodRef, status, pulls) => void reports.push({ name: p.name, status, ...(pulls ? { pulls } : {}) }), gone: (p) => void gone.push(p.name) },
  );
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 400 && !what(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(what()).toBe(true);
  };
  return { kubelet, reports, gone, until };
};
const aPod = (name: string, image = 'nginx:1.9.1', imagePullPolicy?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'default', name, uid: `uid-${name}` },
  spec: { nodeName: 'node-1', containers: [{ name: 'nginx', image, ...(imagePullPolicy ? { imagePullPolicy } : {}) }] },
});
const running = (s: PodStatus) => Boolean(s.containerStatuses?.[0]?.state?.running);
const of = <R extends { name: string }>(reports: R[], name: string) => reports.filter((r) => r.name === name);

describe('a simulated kubelet starting a pod (sandbox, then pulls)', () => {
  it('reports ContainerCreating without a pod IP, and the IP first with Running (the pod worker reports nothing between the sandbox and the starts)', async () => {
    const { kubelet, reports, until } = aKubelet();
    kubelet.run(aPod('a'));
    await until(() => reports.some((r) => running(r.status)));
    const seen = reports.map((r) => [r.status.containerStatuses?.[0]?.state?.waiting?.reason ?? 'Running', r.status.podIP ?? '<none>']);
    expect(seen).toEqual([
      ['ContainerCreating', '<none>'],
      ['Running', '10.244.1.2'],
    ]);
    kubelet.shutdown();
  });

  it('an image it pulled before is not pulled again under IfNotPresent: the start says so and is faster', async () => {
    const { kubelet, reports, until } = aKubelet(200);
    kubelet.run(aPod('first'));
    await until(() => of(reports, 'first').some((r) => running(r.status)));
    expect(of(reports, 'first').at(-1)!.pulls).toEqual([150]);
    expect(hasImage(kubelet.images, 'nginx:1.9.1')).toBe(true);
    const t0 = Date.now();
    kubelet.run(aPod('second'));
    await until(() => of(reports, 'second').some((r) => running(r.status)));
    expect(of(reports, 'second').at(-1)!.pulls).toEqual([null]);
    expect(Date.now() - t0).toBeLessThan(150);
    kubelet.shutdown();
  });

  it('Always pulls even an image it has', async () => {
    const { kubelet, reports, until } = aKubelet();
    kubelet.run(aPod('first'));
    await until(() => of(reports, 'first').some((r) => running(r.status)));
    kubelet.run(aPod('again', 'nginx:1.9.1', 'Always'));
    await until(() => of(reports, 'again').some((r) => running(r.status)));
    expect(of(reports, 'again').at(-1)!.pulls).toEqual([30]);
    kubelet.shutdown();
  });
});

describe('a simulated kubelet stopping a pod', () => {
  it('reports its running container killed (not ready, terminated Completed, exit 0) before the pod is gone', async () => {
    const { kubelet, reports, gone, until } = aKubelet(0);
    kubelet.run(aPod('a'));
    expect(reports.at(-1)!.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    kubelet.stop({ namespace: 'default', name: 'a', uid: 'uid-a' }, 30);
    const last = reports.at(-1)!.status;
    expect(gone).toEqual([]);
    expect(last.conditions?.filter((c) => c.type === 'Ready' || c.type === 'ContainersReady').map((c) => c.status)).toEqual(['False', 'False']);
    expect(last.containerStatuses?.[0]).toMatchObject({ ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(last.phase).toBe('Running');
    await until(() => gone.includes('a'));
  });

  it('a pod that never started is only reported gone (nothing ran, nothing to kill)', async () => {
    const { kubelet, reports, gone, until } = aKubelet(200);
    kubelet.run(aPod('a'));
    const before = reports.length;
    kubelet.stop({ namespace: 'default', name: 'a', uid: 'uid-a' }, 30);
    await until(() => gone.includes('a'));
    expect(reports.length).toBe(before);
  });
});
