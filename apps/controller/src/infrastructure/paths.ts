import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root (the folder with package.json), from sources under ts or compiled under dist/. */
export const projectRoot = (from = __dirname): string => {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'infra'))) return dir;
    if (dirname(dir) === dir) throw new Error(`project root not found above ${from}`);
  }
};
