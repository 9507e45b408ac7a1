/**
 * A unified diff of two texts by lines: the longest common subsequence
 * (dynamic programming; templates are a few hundred lines at most), then
 * hunks with `context` lines around each change, as `diff -u` prints them.
 */
type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

const script = (a: string[], b: string[]): Op[] => {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', line: a[i++], a: i, b: ++j });
    // Deletions before insertions on a tie, as diff -u prints a changed line.
    else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ kind: '-', line: a[i++], a: i, b: j });
    else ops.push({ kind: '+', line: b[j++], a: i, b: j });
  }
  return ops;
};

const lines = (text: string): string[] => {
  const ls = text.split('\n');
  if (ls[ls.length - 1] === '') ls.pop();
  return ls;
};

const range = (start: number, count: number) => (count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`);

/** '' when the texts are equal; otherwise `--- labelA`, `+++ labelB` and the hunks. */
export const unifiedDiff = (before: string, after: string, labelA: string, labelB: string, context = 3): string => {
  const ops = script(lines(before), lines(after));
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (!changed.length) return '';
  const out = [`--- ${labelA}`, `+++ ${labelB}`];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - context);
    let end = Math.min(ops.length - 1, changed[k] + context);
    while (k + 1 < changed.length && changed[k + 1] - context <= end + 1) end = Math.min(ops.length - 1, changed[++k] + context);
    k++;
    const hunk = ops.slice(start, end + 1);
    // An op's a/b: the 1-based line it is on that side, or, on the side it is absent from, the lines consumed so far.
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    const aStart = hunk[0].kind === '+' ? hunk[0].a + 1 : hunk[0].a;
    const bStart = hunk[0].kind === '-' ? hunk[0].b + 1 : hunk[0].b;
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.line}`);
  }
  return out.join('\n') + '\n';
};
