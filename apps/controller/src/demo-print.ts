/**
 * What `npm run demo` prints, as pure functions: kubectl's tables, the
 * change-cause `--record` writes, and colour only where a terminal shows it.
 */
import type { Pod } from '@daemonledger/domain';
import { toTable } from './api/wire/tables';

/** How the demo marks its `$ kubectl …` lines: bold on a terminal, plain text anywhere else. */
export interface Palette {
  bold(s: string): string;
}

/**
 * Colour only on a terminal, and never when `NO_COLOR` is set to anything
 * but the empty string (https://no-color.org): output redirected to a file
 * or a pipe (a CI log, `| less`) gets no escape codes.
 */
export const palette = (o: { isTTY: boolean | undefined; env: Record<string, string | undefined> }): Palette => {
  const colour = o.isTTY === true && !o.env.NO_COLOR;
  return { bold: (s) => (colour ? `\x1b[1m${s}\x1b[0m` : s) };
};

/** kubectl's table printers: cli-runtime's GetNewTabWriter (minwidth 6, padding 3). */
export const TABLE_WRITER = { minWidth: 6, padding: 3 } as const;
/** kubectl's describers and `rollout history`: tabbedString in kubectl's polymorphichelpers (minwidth 0, padding 2). */
export const TABBED_STRING = { minWidth: 0, padding: 2 } as const;

/**
 * Rows aligned as Go's text/tabwriter aligns tab-separated cells with space
 * padding: each column as wide as its widest cell plus the padding, at
 * least minWidth; the last cell of a row is not padded, so no line ends in
 * spaces.
 */
export const tabwriter = (rows: readonly (readonly string[])[], o: { minWidth: number; padding: number } = TABLE_WRITER): string => {
  if (!rows.length) return '';
  const n = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(o.minWidth, ...rows.filter((r) => i < r.length - 1).map((r) => r[i].length + o.padding)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('') + '\n').join('');
};

/** A cell as kubectl's table printer writes it: nil is `<none>`. */
const cellText = (v: unknown): string => (v === null || v === undefined ? '<none>' : String(v));

/**
 * `kubectl get pod [-o wide]`: the server's own Table for pods (printPod's
 * columns and cells, the API's printers), printed as kubectl prints a
 * Table: priority-0 columns (all of them with `-o wide`), headers upper-cased,
 * rows in name order as the API lists them.
 */
export const podTable = (pods: readonly Pod[], now: Date, o: { wide?: boolean } = {}): string => {
  const sorted = [...pods].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const table = toTable('pods', sorted as never[], { now, includeObject: 'None' });
  const shown = (table.columnDefinitions ?? []).map((c, i) => ({ c, i })).filter(({ c }) => o.wide || !c.priority);
  return tabwriter([shown.map(({ c }) => c.name.toUpperCase()), ...table.rows.map((r) => shown.map(({ i }) => cellText(r.cells[i])))]);
};

/**
 * `kubectl rollout history daemonset/<name>`: the kind/name line (with
 * kubectl's trailing space), then REVISION and CHANGE-CAUSE per revision
 * (`<none>` without the annotation), and a blank line, as upstream's
 * DaemonSetHistoryViewer prints them.
 */
export const historyTable = (name: string, revisions: readonly { revision: number; changeCause?: string }[]): string =>
  `daemonset.apps/${name} \n` +
  tabwriter([['REVISION', 'CHANGE-CAUSE'], ...[...revisions].sort((a, b) => a.revision - b.revision).map((r) => [String(r.revision), r.changeCause || '<none>'])], TABBED_STRING) +
  '\n';

/** kubectl's one-letter flags the demo types, by their long names. */
const SHORT_FLAGS: Record<string, string> = { f: 'filename', n: 'namespace', o: 'output', l: 'selector' };
/** Flags that take no value (`--record` means `--record=true`). */
const BOOLEAN_FLAGS = new Set(['record', 'overwrite', 'all']);

/**
 * The `kubernetes.io/change-cause` that `--record` writes for a command line,
 * as cli-runtime's RecordFlags (parseCommandArguments) builds it: the
 * program's base name, the positional arguments, then every flag given as
 * `--<long name>=<value>` (so `--record` reads `--record=true` and `-f x`
 * reads `--filename=x`). Seed 001's history shows the form:
 * `kubectl set image ds nginx-ds nginx-ds=…:1.24.0 --record=true`.
 */
export const recordedChangeCause = (commandLine: string): string => {
  const [program, ...words] = commandLine.trim().split(/\s+/);
  const args: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const m = /^(--?)([^=]+)(?:=(.*))?$/.exec(w);
    if (!m || w === '-') {
      args.push(w);
      continue;
    }
    const name = m[1] === '-' ? (SHORT_FLAGS[m[2]] ?? m[2]) : m[2];
    const value = m[3] ?? (BOOLEAN_FLAGS.has(name) ? 'true' : words[++i] ?? '');
    flags.push(` --${name}=${value}`);
  }
  return [program.split('/').at(-1), ...args].join(' ') + flags.join('');
};
