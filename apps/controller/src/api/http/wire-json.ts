import { goJsonMarshal } from '@daemonledger/domain/controller/go-json';

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
    if (key === 'spec' && isRecord(this) && this.kind === 'DaemonSet' && isRecord(v) && isRecord(v.template)) {
      const metadata = isRecord(v.template.metadata) ? v.template.metadata : {};
      if (metadata.creationTimestamp === undefined) return { ...v, template: { ...v.template, metadata: { creationTimestamp: null, ...metadata } } };
    }
    if (key === 'data' && isRecord(this) && this.kind === 'ControllerRevision' && v !== undefined && typeof v !== 'string') {
      raw.push(goJsonMarshal(v));
      return `\u0000raw:${raw.length - 1}\u0000`;
    }
    return v;
  });
  if (!raw.length) return text;
  return text.replace(/"\\u0000raw:(\d+)\\u0000"/g, (_m, i: string) => raw[Number(i)]);
};
