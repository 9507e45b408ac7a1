import { lookupType, toMessage, fromMessage } from './k8s-proto';
import { aPod } from './spec-fixtures';
it('bench', () => {
  const items = Array.from({ length: 10_000 }, (_, i) => aPod({ name: `p-${i}` }));
  const list = { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '1' }, items };
  const T = lookupType('k8s.io.api.core.v1.PodList');
  for (let r = 0; r < 2; r++) {
    let t = performance.now(); const m = toMessage(T, list)!; const a = performance.now() - t;
    t = performance.now(); const msg = T.fromObject(m); const b = performance.now() - t;
    t = performance.now(); const bytes = T.encode(msg).finish(); const c = performance.now() - t;
    t = performance.now(); const d = T.decode(bytes); const e = performance.now() - t;
    t = performance.now(); const o = T.toObject(d, { longs: Number }); const f = performance.now() - t;
    t = performance.now(); fromMessage(T, o); const g = performance.now() - t;
    console.log(`toMessage ${a.toFixed(0)} fromObject ${b.toFixed(0)} encode ${c.toFixed(0)} decode ${e.toFixed(0)} toObject ${f.toFixed(0)} fromMessage ${g.toFixed(0)}`);
  }
});
