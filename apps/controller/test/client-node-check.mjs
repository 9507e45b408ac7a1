// A second real client: the official JavaScript client (@kubernetes/client-node,
// ESM, so it runs here in its own process rather than inside jest). It lists the
// DaemonSets, then watches them from the list's resourceVersion and prints every
// event until stdin closes. Used by client-node.e2e-spec.ts.
import * as k8s from '@kubernetes/client-node';

const kc = new k8s.KubeConfig();
kc.loadFromFile(process.argv[2]);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const list = await apps.listNamespacedDaemonSet({ namespace: 'default' });
console.log(`LIST ${list.metadata.resourceVersion} ${list.items.map((d) => `${d.metadata.name}=${d.status.desiredNumberScheduled}`).join(' ')}`);
const watch = new k8s.Watch(kc);
const controller = await watch.watch(
  '/apis/apps/v1/namespaces/default/daemonsets',
  { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true },
  (type, obj) => {
    if (type === 'BOOKMARK') return;
    console.log(`EVENT ${type} ${obj.metadata.name} ${obj.metadata.resourceVersion} image=${obj.spec.template.spec.containers[0].image} updated=${obj.status?.updatedNumberScheduled ?? 0} observed=${obj.status?.observedGeneration === obj.metadata.generation}`);
  },
  (err) => {
    console.log(`DONE ${err ? err.message : 'closed'}`);
    process.exit(err ? 1 : 0);
  },
);
console.log('WATCHING');
process.stdin.on('end', () => {
  controller.abort();
  process.exit(0);
});
process.stdin.resume();
