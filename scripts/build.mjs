// Transpiles apps/ and libs/ to dist/ with swc (type checking is `npm run typecheck`).
// swc rewrites the tsconfig path aliases (@daemonledger/*) into relative requires,
// so the output runs on plain `node` with no loader.
import { transformFile } from '@swc/core';
import { copyFileSync, readFileSync, mkdirSync, writeFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
const out = join(root, 'dist');

const walk = (dir, keep) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path, keep);
    return keep(path) ? [path] : [];
  });
const isSource = (path) => /\.ts$/.test(path) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(path) && !path.endsWith('.d.ts');
// JSON a source imports (the generated protobuf descriptors) is copied beside its compiled code.
const isData = (path) => /\/src\/.*\.json$/.test(path);

rmSync(out, { recursive: true, force: true });
const files = ['apps', 'libs'].flatMap((top) => walk(join(root, top), isSource));
for (const file of ['apps', 'libs'].flatMap((top) => walk(join(root, top), isData))) {
  const target = join(out, relative(root, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
await Promise.all(
  files.map(async (file) => {
    const { code, map } = await transformFile(file, {
      sourceMaps: true,
      module: { type: 'commonjs' },
      jsc: {
        target: 'es2022',
        baseUrl: root,
        paths: tsconfig.compilerOptions.paths,
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        keepClassNames: true,
      },
    });
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code + `\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) writeFileSync(target + '.map', map);
  }),
);
console.log(`built ${files.length} files into ${relative(process.cwd(), out) || '.'}`);
