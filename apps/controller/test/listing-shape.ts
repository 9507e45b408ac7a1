/**
 * What a kubectl listing looks like once what differs between any two
 * clusters is taken out: names keep their DaemonSet prefix but lose their
 * random suffix, ages, IPs, times, hashes and quantities become placeholders,
 * node names become `<node>`. Two listings of the same thing, one from a real
 * cluster and one from DaemonLedger, must then be equal. Pure functions.
 */
import { parse } from 'yaml';

/**
 * The alphabet of apimachinery's rand.String and SafeEncodeString (no vowels,
 * no 0/1/3): generated name suffixes (5 characters) and ControllerRevision
 * hashes (controller.ComputeHash, up to 10) are made of it.
 */
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
const NAME_SUFFIX = `${SAFE}{5}`;
const AGE = /^(?:\d+[smhdy])+$/;
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const IPV6 = /^[0-9a-f]*:[0-9a-f:]+$/i;
const QUANTITY = /^\d+(?:\.\d+)?(?:[EPTGMK]i|[EPTGMkmun])?$/;
/** RFC 1123 with a numeric zone, as kubectl describe prints times (`Mon, 02 Jan 2006 15:04:05 -0700`). */
const RFC1123Z = /\b[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} (\d{4}) \d{2}:\d{2}:\d{2} [+-]\d{4}\b/g;
const RFC3339 = /\b(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})\b/g;

export interface ShapeContext {
  /** The cluster's node names: each becomes `<node>` (seed 001's nodes are named by their IPs). */
  nodes?: readonly string[];
  /**
   * Value shapes by describe key, where the generic one would mislead: seed
   * 001's `Node: 10.202.43.55/10.202.43.55` is a node and its IP, not two nodes.
   */
  values?: Readonly<Record<string, (value: string) => string>>;
}

/** A time of year 1 is Go's zero time (a field never set), not a time: it keeps a shape of its own. */
const timeShape = (year: string) => (year === '0001' ? '<zero-time>' : '<time>');

/**
 * One free-text value as its shape: node names, times, IPs, 64-hex digests
 * and ids, revision hashes, name suffixes, ages, and quantities and long
 * numbers (`8Gi`, `8008876Ki`, `94580335255`: sizes, resource versions: `<num>`)
 * replaced, in that order (a node named by its IP is a node, not an IP).
 * Counts of up to 3 digits stay: they are the same on both sides.
 */
export const valueShape = (value: string, ctx: ShapeContext = {}): string => {
  let v = value;
  for (const n of [...(ctx.nodes ?? [])].sort((a, b) => b.length - a.length)) {
    v = v.replace(new RegExp(`(?<![\\w.])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.])`, 'g'), '<node>');
  }
  v = v.replace(RFC1123Z, (_m, y: string) => timeShape(y)).replace(RFC3339, (_m, y: string) => timeShape(y));
  v = v.replace(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '<ip>');
  v = v.replace(/\b[0-9a-f]{64}\b/g, '<hex64>');
  v = v.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>');
  v = v.replace(/\b[0-9a-f]{32}\b/g, '<hex32>');
  v = v.replace(new RegExp(`(controller-revision-hash=|-)${SAFE}{6,10}\\b`, 'g'), '$1<hash>');
  v = v.replace(new RegExp(`-${NAME_SUFFIX}\\b`, 'g'), '-<5>');
  return v
    .split(/(\s+)/)
    .map((w) => (AGE.test(w) ? '<age>' : (QUANTITY.test(w) && !/^\d+$/.test(w)) || /^\d{4,}$/.test(w) ? '<num>' : w))
    .join('');
};

/** The cells of a kubectl table (tabwriter output): columns are separated by 2 or more spaces, cells hold single spaces. */
export const splitTable = (text: string): string[][] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s{2,}/));

/** One table cell as its shape, by its column, as kubectl's printers fill it. */
export const cellShape = (column: string, value: string, ctx: ShapeContext = {}): string => {
  if (value === '<none>' || value === '<unknown>' || value === '<invalid>') return value;
  switch (column) {
    case 'AGE':
    case 'STARTED':
    case 'DURATION':
      return AGE.test(value) ? '<age>' : `<not an age: ${value}>`;
    case 'IP':
      return IPV4.test(value) || IPV6.test(value) ? '<ip>' : `<not an IP: ${value}>`;
    case 'NODE':
    case 'NOMINATED NODE':
      return '<node>';
    case 'RESTARTS': {
      const m = /^(\d+)(?: \((\S+) ago\))?$/.exec(value);
      if (!m) return `<not restarts: ${value}>`;
      return m[2] ? `${m[1]} (<age> ago)` : m[1];
    }
    default:
      return valueShape(value, ctx);
  }
};

export interface TableShape {
  header: string[];
  rows: string[][];
}

/** A `kubectl get` table as its shape: the header as printed, every cell through `cellShape` by its column. */
export const tableShape = (text: string, ctx: ShapeContext = {}): TableShape => {
  const [header = [], ...rows] = splitTable(text);
  return { header, rows: rows.map((r) => r.map((c, i) => cellShape(header[i] ?? '', c, ctx))) };
};

export interface Lifecycle {
  /** The pod's name as printed. */
  name: string;
  /** Each distinct state the watch printed for it, in order (NAME left out, repeats of the same shape dropped). */
  states: string[];
}

/**
 * `kubectl get pod -w` as each pod's lifecycle, pods in the order they first
 * appear. A state is the row's shape without the name, one string.
 */
export const watchLifecycles = (text: string, ctx: ShapeContext = {}): Lifecycle[] => {
  const { header, rows } = tableShape(text, ctx);
  const nameAt = header.indexOf('NAME');
  const raw = splitTable(text).slice(1);
  const byName = new Map<string, Lifecycle>();
  rows.forEach((row, i) => {
    const name = raw[i][nameAt];
    const state = row.filter((_c, k) => k !== nameAt).join(' ');
    const life = byName.get(name) ?? { name, states: [] };
    if (life.states.at(-1) !== state) life.states.push(state);
    byName.set(name, life);
  });
  return [...byName.values()];
};

/** A `describe` key line: at most 3 levels deep (6 spaces), a key of single-spaced words, a colon. */
const KEY_LINE = /^( {0,6})([A-Za-z(][^:"]*?):(?:[ \t]+(.*))?$/;

/**
 * `kubectl describe` output as the shape of its key lines: indentation, key,
 * and the shape of the value on the same line (`''` after the colon when
 * there is none). Continuation lines (more labels, annotations, tolerations)
 * and table rows carry no key and are left out: `describeTable` reads tables.
 * Keys in `free` keep no value (free text: kernel and OS versions, labels).
 */
export const describeShape = (text: string, ctx: ShapeContext = {}, free: readonly string[] = []): string[] =>
  text.split('\n').flatMap((line) => {
    const m = KEY_LINE.exec(line.trimEnd());
    if (!m || /\s{2,}/.test(m[2])) return [];
    const key = valueShape(m[2], ctx);
    const value = m[3]?.trim() ?? '';
    const shaped = ctx.values?.[m[2]]?.(value) ?? valueShape(value, ctx);
    return [`${m[1]}${key}:${value && !free.includes(m[2]) ? ` ${shaped}` : ''}`];
  });

/**
 * The rows of a table inside `describe` output, under the key line `heading`
 * (e.g. `Conditions:`, `Events:`): its column header, then each row's cells,
 * up to the next line indented no deeper than the heading. The `----` line
 * under a header is skipped.
 */
export const describeTable = (text: string, heading: string): string[][] => {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trimEnd().replace(/^\s+/, '').startsWith(heading) && KEY_LINE.test(l.trimEnd()));
  if (at < 0) return [];
  const indent = lines[at].length - lines[at].trimStart().length;
  const out: string[][] = [];
  for (const l of lines.slice(at + 1)) {
    if (!l.trim()) break;
    if (l.length - l.trimStart().length <= indent) break;
    const cells = l.trim().split(/\s{2,}/);
    if (cells.every((c) => /^-+$/.test(c))) continue;
    out.push(cells);
  }
  return out;
};

/**
 * The key paths of a YAML (or JSON) document: `a.b` for mappings, `a[]` for
 * the items of a sequence (all items merged), leaves as their path, an empty
 * mapping as `path: {}`. `skip` paths are left out with everything under
 * them (the server's managedFields, which kubectl hides).
 */
export const yamlKeyPaths = (text: string, skip: readonly string[] = []): string[] => {
  const out = new Set<string>();
  const walk = (v: unknown, path: string) => {
    if (skip.includes(path)) return;
    if (Array.isArray(v)) {
      if (!v.length) out.add(`${path}: []`);
      for (const item of v) walk(item, `${path}[]`);
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      if (!keys.length) out.add(`${path}: {}`);
      for (const k of keys) walk((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    } else out.add(path);
  };
  walk(parse(text), '');
  return [...out].sort();
};
