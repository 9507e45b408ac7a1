import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { ClusterView } from './cluster-view';

const PAGE = 5_000;

/**
 * The cluster as it was when `position` was the head of the log: a fresh view
 * folded from the first event up to and including `position`.
 */
export const clusterViewAt = async (store: EventStore, position: number): Promise<ClusterView> => {
  const view = new ClusterView();
  let from = 0;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: PAGE });
    for (const e of page) {
      if (e.position > position) return view;
      view.apply(e);
    }
    if (page.length < PAGE) return view;
    from = page[page.length - 1].position;
  }
};
