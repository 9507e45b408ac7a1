#!/usr/bin/env node
// Regenerates apps/controller/src/api/wire/proto/k8s-protos.json, the wire
// schema of Kubernetes' protobuf bodies, from upstream's own files:
//   - the generated.proto of each API package in the k8s.io/api and
//     k8s.io/apimachinery module zips (as the Go module proxy serves them),
//     loaded by protobufjs and written as its JSON descriptor;
//   - the Go struct tags of the same packages (types.go & co.), which say
//     what the .proto cannot: which fields JSON inlines (`json:",inline"`),
//     which are pointers (a zero on the wire is meant), which have no
//     `omitempty` (JSON writes their zero) and which JSON names differ.
// The zips are kept in .cache/proto (ignored). Usage: npm run gen:proto
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const VERSION = 'v0.32.10';
/** The API packages whose kinds the server serves (a new group is one line here; a new kind in them needs nothing). */
const PACKAGES = {
  'k8s.io/api': ['core/v1', 'apps/v1', 'rbac/v1', 'authentication/v1', 'authorization/v1', 'events/v1', 'coordination/v1', 'policy/v1', 'scheduling/v1', 'discovery/v1'],
  'k8s.io/apimachinery': ['pkg/apis/meta/v1', 'pkg/runtime', 'pkg/runtime/schema', 'pkg/api/resource', 'pkg/util/intstr'],
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'proto');
const out = join(root, 'apps/controller/src/api/wire/proto/k8s-protos.json');

/** The first proxy of GOPROXY (as `go env` reports it, else the environment, else the public one). */
const proxy = () => {
  let value = process.env.GOPROXY;
  try {
    value = execFileSync('go', ['env', 'GOPROXY'], { encoding: 'utf8' }).trim() || value;
  } catch {
    // no Go toolchain: the environment or the default
  }
  const first = (value || 'https://proxy.golang.org').split(/[,|]/).find((p) => p.startsWith('http'));
  return (first ?? 'https://proxy.golang.org').replace(/\/$/, '');
};

const moduleDir = async (module) => {
  const dir = join(cache, `${module}@${VERSION}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(cache, { recursive: true });
  const zip = join(cache, `${module.replace(/\//g, '_')}@${VERSION}.zip`);
  if (!existsSync(zip)) {
    const url = `${proxy()}/${module}/@v/${VERSION}.zip`;
    console.log(`downloading ${url}`);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
  }
  // Module zips hold `<module>@<version>/<path>`; only the .proto and .go files are needed.
  execFileSync('unzip', ['-q', '-o', zip, '*.proto', '*.go', '-x', '*_test.go', '-d', cache]);
  writeFileSync(join(dir, '.complete'), '');
  return dir;
};

const dirs = {};
for (const module of Object.keys(PACKAGES)) dirs[module] = await moduleDir(module);

/** `k8s.io/api/core/v1/generated.proto` (an import path) → the file in the cache. */
const fileOf = (importPath) => {
  const module = Object.keys(dirs).find((m) => importPath.startsWith(`${m}/`));
  return module ? join(dirs[module], importPath.slice(module.length + 1)) : importPath;
};

const pb = new protobuf.Root();
pb.resolvePath = (_origin, target) => fileOf(target);
const files = Object.entries(PACKAGES).flatMap(([module, pkgs]) => pkgs.map((p) => `${module}/${p}/generated.proto`));
pb.loadSync(files, { keepCase: true });
pb.resolveAll();

// ---- Go struct tags ----
const lowerFirst = (s) => s.charAt(0).toLowerCase() + s.slice(1);
const tag = (tags, key) => new RegExp(`${key}:"([^"]*)"`).exec(tags)?.[1];

/** Message full name → what its Go struct says about the fields (only the non-default facts). */
const goFields = {};
for (const [module, pkgs] of Object.entries(PACKAGES)) {
  for (const p of pkgs) {
    const dir = join(dirs[module], p);
    const protoPackage = /^package\s+([\w.]+);/m.exec(readFileSync(join(dir, 'generated.proto'), 'utf8'))[1];
    const sources = readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_generated') && f !== 'generated.pb.go');
    for (const f of sources) {
      let struct;
      let depth = 0;
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const code = line.replace(/\/\/.*$/, '');
        const open = /^\s*(?:type\s+)?(\w+)\s+struct\s*\{\s*$/.exec(code);
        if (!struct && open) {
          struct = open[1];
          depth = 1;
          continue;
        }
        if (!struct) continue;
        depth += (code.match(/\{/g) ?? []).length - (code.match(/\}/g) ?? []).length;
        if (depth <= 0) {
          struct = undefined;
          continue;
        }
        if (depth !== 1) continue;
        const m = /^\s*(?:(\w+)\s+)?([^\s`]+)\s+`([^`]*)`/.exec(code);
        if (!m) continue;
        const [, name, type, tags] = m;
        const pbTag = tag(tags, 'protobuf');
        if (!pbTag || pbTag === '-') continue;
        const goName = name ?? type.replace(/^\*/, '').split('.').pop();
        const protoName = /(?:^|,)name=([^,]+)/.exec(pbTag)?.[1] ?? lowerFirst(goName);
        const [jsonName = '', ...opts] = (tag(tags, 'json') ?? '').split(',');
        const facts = (goFields[`${protoPackage}.${struct}`] ??= {});
        const add = (key, value) => (facts[key] ??= []).push(value);
        if (opts.includes('inline')) add('inline', protoName);
        else if (jsonName && jsonName !== '-' && jsonName !== protoName) (facts.json ??= {})[protoName] = jsonName;
        if (type.startsWith('*')) add('pointer', protoName);
        if (jsonName && !opts.includes('omitempty') && !opts.includes('inline')) add('always', protoName);
      }
    }
  }
}
// Keep only the messages the descriptor has.
for (const name of Object.keys(goFields)) {
  if (!pb.lookupType(name)) delete goFields[name];
}

mkdirSync(dirname(out), { recursive: true });
const doc = {
  comment: `Generated by scripts/gen-proto.mjs (npm run gen:proto) from k8s.io/api and k8s.io/apimachinery ${VERSION}. Do not edit.`,
  version: VERSION,
  files,
  goFields: Object.fromEntries(Object.entries(goFields).sort(([a], [b]) => a.localeCompare(b))),
  descriptor: pb.toJSON(),
};
writeFileSync(out, JSON.stringify(doc, null, 1) + '\n');
console.log(`wrote ${out}: ${Object.keys(goFields).length} Go structs, ${files.length} packages`);
