import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * The simulated image registry: a catalog of repositories and their tags.
 * Nothing here knows any particular image; the catalog file decides.
 */
const CatalogSchema = z.object({
  repositories: z.record(z.string(), z.object({ tags: z.array(z.union([z.string(), z.number()]).transform(String)) })),
});

export interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

/** Normalises an image reference the way container runtimes do (docker.io, library/, latest). */
export const parseImage = (image: string): ImageRef => {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  const hasRegistry = parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost');
  let repository = hasRegistry ? rest : `docker.io/${rest}`;
  if (!hasRegistry && parts.length === 1) repository = `docker.io/library/${rest}`;
  return { repository, tag: tag ?? (digest ? undefined : 'latest'), digest };
};

export type PullResult = { ok: true; imageID: string } | { ok: false; reason: 'ErrImagePull'; message: string };

export class ImageRegistry {
  constructor(
    private readonly repositories: Map<string, Set<string>>,
    private readonly strict = false,
  ) {}

  static fromFile(path: string, strict = false): ImageRegistry {
    const parsed = CatalogSchema.safeParse(parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      throw new Error(`image catalog ${path} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return new ImageRegistry(
      new Map(Object.entries(parsed.data.repositories).map(([repo, { tags }]) => [parseImage(repo).repository, new Set(tags)])),
      strict,
    );
  }

  pull(image: string): PullResult {
    const ref = parseImage(image);
    const tags = this.repositories.get(ref.repository);
    const shown = `${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
    const found = ref.digest ? tags !== undefined || !this.strict : tags ? tags.has(ref.tag!) : !this.strict;
    if (!found) {
      return {
        ok: false,
        reason: 'ErrImagePull',
        message: `rpc error: code = NotFound desc = failed to pull and unpack image "${shown}": failed to resolve reference "${shown}": ${shown}: not found`,
      };
    }
    return { ok: true, imageID: `${ref.repository}@sha256:${fakeDigest(shown)}` };
  }
}

/** A stable 64-hex pseudo digest for an image name (display only). */
const fakeDigest = (s: string) => {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
};
