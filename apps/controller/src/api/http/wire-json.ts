import { goJsonMarshal } from '@daemonledger/domain/controller/go-json';
import { jsonTextOf } from '@daemonledger/projections';
import { GO_OMITEMPTY, goShaped, goTemplate } from '../wire/go-omitempty';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON for the wire, as the Go API server writes objects. Two differences
 * from JSON.stringify. A DaemonSet's pod template carries
 * `"creationTimestamp": null` (Go's zero metav1.Time): client-side apply
 * diffs the manifest against it, and without it every re-apply of an
 * unchanged file would be `configured` instead of `unchanged`. And a ControllerRevision's
 * `data` (a RawExtension, kept by clients as raw bytes) is written exactly as
 * Go's json.Marshal writes it (sorted keys, `\u003c` escapes), because
 * `kubectl rollout undo` compares those bytes with the DaemonSet's template
 * to decide "skipped rollback (current template already matches revision N)".
 */
export const wireJson = (value: unknown): string => {
  const raw: string[] = [];
  const text = JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    // An object of a served kind: the keys Go's omitempty leaves out are dropped (go-omitempty.ts).
    if (isRecord(v) && typeof v.kind === 'string' && typeof v.apiVersion === 'string' && GO_OMITEMPTY[v.kind]) v = goShaped(v);
    if (key === 'spec' && isRecord(this) && this.kind === 'DaemonSet' && isRecord(v) && isRecord(v.template)) return goTemplate(v);
    if (key === 'data' && isRecord(this) && this.kind === 'ControllerRevision' && v !== undefined && typeof v !== 'string') {
      raw.push(goJsonMarshal(v));
      return `\u0000raw:${raw.length - 1}\u0000`;
    }
    return v;
  });
  if (!raw.length) return text;
  return text.replace(/"\\u0000raw:(\d+)\\u0000"/g, (_m, i: string) => raw[Number(i)]);
};

/**
 * Whether an object's plain JSON text may differ from its wire JSON: a
 * DaemonSet's pod template and a ControllerRevision's data are rewritten,
 * and objects of the kinds whose zero-valued omitempty fields are dropped.
 * Pods and Events are left out: their lists are the large ones, spliced as
 * text, and their writers (the kubelet model, kube-events.ts) already leave
 * out what Go omits (go-omitempty.spec.ts holds them to it). The text shows
 * it (compact JSON writes `"key":` only for keys).
 */
const SHAPED_KINDS = Object.keys(GO_OMITEMPTY)
  .filter((k) => k !== 'Pod' && k !== 'Event')
  .map((k) => `"kind":"${k}"`);
const mayBeRewritten = (text: string) => text.includes('"template":') || SHAPED_KINDS.some((k) => text.includes(k));

/** One list item's wire JSON: its known text (restored from a snapshot, unchanged since) or its plain JSON when the wire form is the same, else wireJson. */
const itemJson = (item: object | string): string => {
  // Plain JSON.stringify (no replacer: twice as fast) is the wire form whenever nothing in it is rewritten.
  const text = typeof item === 'string' ? item : (jsonTextOf(item) ?? JSON.stringify(item));
  return mayBeRewritten(text) ? wireJson(typeof item === 'string' ? JSON.parse(item) : item) : text;
};

/**
 * `wireJson({ ...head, items })`, byte for byte, without serialising again
 * the items whose JSON text is known: given as text (objects a past view
 * never parsed) or objects parsed from text (see encoded-map.ts). A past
 * list of 10,000 pods is then mostly spliced text.
 */
export const wireJsonList = (head: Record<string, unknown>, items: readonly (object | string)[]): string => {
  const open = wireJson({ ...head, items: [] });
  return `${open.slice(0, -2)}${items.map(itemJson).join(',')}]}`;
};

const COMMA = Buffer.from(',');

/**
 * wireJsonList as byte chunks, for lists whose items may be given as the
 * UTF-8 bytes of their JSON (a past view's pods, still as its snapshot
 * stored them): those become chunks as they are, never decoded, searched or
 * copied, so a past list of 10,000 pods costs the few it had to serialise
 * (sendText writes the chunks in one corked write). For lists whose items'
 * wire form is their plain JSON: Pods (only DaemonSet templates and
 * ControllerRevision data are rewritten, see wireJson).
 */
export const wireJsonListChunks = (head: Record<string, unknown>, items: readonly (object | Buffer)[]): Buffer[] => {
  const open = wireJson({ ...head, items: [] });
  const chunks: Buffer[] = [];
  let text = open.slice(0, -2);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (i) text += ',';
    if (Buffer.isBuffer(item)) {
      chunks.push(text === ',' ? COMMA : Buffer.from(text), item);
      text = '';
    } else {
      text += jsonTextOf(item) ?? JSON.stringify(item);
    }
  }
  chunks.push(Buffer.from(`${text}]}`));
  return chunks;
};
