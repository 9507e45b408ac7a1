import type { EventBus } from '@nestjs/cqrs';
import type { ClusterState } from '../../projections/cluster-state.service';
import type { KubeObject } from '../resources/resource-def';
import { type Change, WatchHub } from './watch-hub.service';

const anObject = (name: string): KubeObject => ({ metadata: { name, namespace: 'default', resourceVersion: '1' } });
const change = (kind: Change['kind'], position: number): Change => ({ position, kind, type: 'ADDED', object: anObject(`${kind}-${position}`) });

/** The hub's delivery alone: `publish` is what `record` ends with for each change it derives from an event. */
const aHub = () => {
  const hub = new WatchHub({} as ClusterState, {} as EventBus);
  return { hub, publish: (c: Change) => (hub as unknown as { publish(c: Change): void }).publish(c) };
};

describe('watch hub delivery by kind (issue 13: a DaemonSet watch does not pay for pod changes)', () => {
  it('gives a listener of one kind only that kind’s changes, and an unfiltered listener every change, in order', () => {
    const { hub, publish } = aHub();
    const daemonSets: number[] = [];
    const everything: number[] = [];
    hub.subscribe((c) => daemonSets.push(c.position), 'daemonset');
    hub.subscribe((c) => everything.push(c.position));
    publish(change('pod', 1));
    publish(change('daemonset', 2));
    publish(change('pod', 3));
    publish(change('daemonset', 4));
    expect(daemonSets).toEqual([2, 4]);
    expect(everything).toEqual([1, 2, 3, 4]);
  });

  it('counts every listener as a watcher and forgets one that unsubscribed', () => {
    const { hub, publish } = aHub();
    const heard: number[] = [];
    const off = hub.subscribe((c) => heard.push(c.position), 'pod');
    const offAll = hub.subscribe(() => undefined);
    expect(hub.watchers).toBe(2);
    publish(change('pod', 1));
    off();
    publish(change('pod', 2));
    offAll();
    expect(heard).toEqual([1]);
    expect(hub.watchers).toBe(0);
  });
});
