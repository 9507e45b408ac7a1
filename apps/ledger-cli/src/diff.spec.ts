import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unifiedDiff } from './diff';

/** What GNU `diff -u` prints for the same texts, without its timestamped header lines. */
const gnu = (a: string, b: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-diff-'));
  try {
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    try {
      execFileSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
      return '';
    } catch (e) {
      return String((e as { stdout: string }).stdout).split('\n').slice(2).join('\n');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const body = (d: string) => d.split('\n').slice(2).join('\n');
const text = (...ls: string[]) => ls.map((l) => `${l}\n`).join('');
const numbered = (n: number, edit: (i: number) => string | undefined = (i) => `line ${i}`) =>
  text(...Array.from({ length: n }, (_, i) => edit(i)).filter((l): l is string => l !== undefined));

describe('unified diff (LCS by lines)', () => {
  it('is empty for equal texts', () => expect(unifiedDiff('a\nb\n', 'a\nb\n', 'x', 'y')).toBe(''));

  it('labels the sides and shows a changed image with three lines of context', () => {
    const a = text('spec:', '  containers:', '  - name: nginx', '    image: nginx:1.7.9', '    ports:', '    - containerPort: 80', '  tolerations: []');
    const b = a.replace('nginx:1.7.9', 'nginx:1.9.1');
    expect(unifiedDiff(a, b, 'daemonset/nginx-ds revision 1', 'daemonset/nginx-ds revision 2')).toBe(
      text(
        '--- daemonset/nginx-ds revision 1',
        '+++ daemonset/nginx-ds revision 2',
        '@@ -1,7 +1,7 @@',
        ' spec:',
        '   containers:',
        '   - name: nginx',
        '-    image: nginx:1.7.9',
        '+    image: nginx:1.9.1',
        '     ports:',
        '     - containerPort: 80',
        '   tolerations: []',
      ),
    );
  });

  it.each([
    ['one change in a long text', numbered(40), numbered(40, (i) => (i === 20 ? 'changed' : `line ${i}`))],
    ['two distant changes: two hunks', numbered(40), numbered(40, (i) => (i === 3 ? 'x' : i === 30 ? 'y' : `line ${i}`))],
    ['two near changes: one hunk', numbered(40), numbered(40, (i) => (i === 10 ? 'x' : i === 15 ? 'y' : `line ${i}`))],
    ['lines added at the start', numbered(10), text('new 1', 'new 2') + numbered(10)],
    ['lines removed at the end', numbered(10), numbered(7)],
    ['from nothing', '', numbered(3)],
    ['to nothing', numbered(3), ''],
    ['deletions and insertions interleaved', numbered(12), numbered(12, (i) => (i % 4 === 0 ? undefined : i % 5 === 0 ? `moved ${i}` : `line ${i}`))],
  ])('hunks as GNU diff -u prints them: %s', (_name, a, b) => {
    expect(body(unifiedDiff(a, b, 'a', 'b'))).toBe(gnu(a, b));
  });
});
