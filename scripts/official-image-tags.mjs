#!/usr/bin/env node
// Prints the registry catalog's data for Docker Official Images
// (infra/registry/catalog.yaml), from a clone of
// https://github.com/docker-library/official-images with its full history:
//   node scripts/official-image-tags.mjs <clone> names        the `official` list
//   node scripts/official-image-tags.mjs <clone> tags nginx   a repository's `tagSets`
// Names: every file that was ever in library/ on the main line. Tags: every tag
// the repository's library/<name> file ever listed (Tags:/SharedTags: lines, and
// the older "<tag>: git://…" lines), i.e. every tag Docker Hub ever published.
// Tags are grouped by variant (the suffix after the version: alpine, perl, …);
// runs of consecutive patch versions are written a.b.c..d.
import { execFileSync } from 'node:child_process';

const [clone, what, name] = process.argv.slice(2);
if (!clone || !['names', 'tags'].includes(what) || (what === 'tags' && !name)) {
  console.error('usage: official-image-tags.mjs <official-images clone> names | tags <name>');
  process.exit(2);
}
const git = (...args) => execFileSync('git', ['-C', clone, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
const head = git('log', '-1', '--format=%h %cs').trim();

if (what === 'names') {
  const names = [...new Set(git('log', '--format=', '--name-only', 'HEAD', '--', 'library/').split('\n').filter((l) => l.startsWith('library/')).map((l) => l.slice(8)))]
    .filter((n) => /^[a-z0-9][a-z0-9._-]*$/.test(n))
    .sort();
  console.log(`# ${names.length} names, docker-library/official-images ${head}`);
  console.log(`official: [${names.join(', ')}]`);
  process.exit(0);
}

const tags = new Set();
for (const raw of git('log', '-p', '--format=', 'HEAD', '--', `library/${name}`).split('\n')) {
  if (raw.startsWith('+++') || raw.startsWith('---')) continue;
  const line = raw.slice(1).trim();
  const modern = /^(?:Shared)?Tags:\s*(.+)$/i.exec(line);
  if (modern) modern[1].split(',').map((t) => t.trim()).filter(Boolean).forEach((t) => tags.add(t));
  const old = /^([A-Za-z0-9][A-Za-z0-9._-]*):\s*git:\/\//.exec(line);
  if (old) tags.add(old[1]);
}

const BASE = /^(\d+(?:\.\d+){0,2}|latest|stable|mainline)(?:-(.+))?$/;
const groups = new Map();
for (const t of tags) {
  const m = BASE.exec(t);
  const [variant, base] = m ? [m[2] ?? '', m[1]] : ['', t];
  if (!groups.has(variant)) groups.set(variant, []);
  groups.get(variant).push(base);
}
const key = (s) => s.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? p.padStart(6, '0') : p)).join('.');
const compact = (bases) => {
  const out = [];
  const sorted = [...new Set(bases)].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  for (let i = 0; i < sorted.length; i++) {
    const m = /^(\d+\.\d+)\.(\d+)$/.exec(sorted[i]);
    if (!m) {
      out.push(sorted[i]);
      continue;
    }
    let last = Number(m[2]);
    while (i + 1 < sorted.length && sorted[i + 1] === `${m[1]}.${last + 1}`) (last++, i++);
    out.push(last === Number(m[2]) ? sorted[i] : `${m[1]}.${m[2]}..${last}`);
  }
  return out.join(', ');
};
console.log(`    # ${tags.size} tags, docker-library/official-images ${head}`);
console.log('    tagSets:');
for (const variant of [...groups.keys()].sort()) console.log(`      "${variant}": "${compact(groups.get(variant))}"`);
