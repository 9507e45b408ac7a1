/** A meta.k8s.io/v1 Table as the server answers it (the parts printed). */
export interface Table {
  kind: 'Table';
  columnDefinitions: { name: string; type: string; priority?: number }[];
  rows: { cells: unknown[]; object?: { metadata?: { name?: string; namespace?: string } } | null }[];
}

const cell = (v: unknown): string => (v === null || v === undefined ? '<none>' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * Aligned columns as kubectl's tabwriter prints them (3 spaces of padding,
 * at least 6 wide, the last column unpadded).
 */
export const columns = (rows: string[][]): string => {
  if (!rows.length) return '';
  const n = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(6, ...rows.map((r) => (r[i] ?? '').length + 3)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('').trimEnd()).join('\n') + '\n';
};

/**
 * A Table printed as `kubectl get` prints it: priority-0 columns (all with
 * `wide`), upper-case headers, a NAMESPACE column first for `-A`.
 */
export const renderTable = (t: Table, o: { wide?: boolean; withNamespace?: boolean } = {}): string => {
  const shown = t.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => o.wide || !c.priority);
  const header = shown.map(({ c }) => c.name.toUpperCase());
  const rows = t.rows.map((r) => shown.map(({ i }) => cell(r.cells[i])));
  if (o.withNamespace) {
    header.unshift('NAMESPACE');
    t.rows.forEach((r, k) => rows[k].unshift(r.object?.metadata?.namespace ?? ''));
  }
  return columns([header, ...rows]);
};
