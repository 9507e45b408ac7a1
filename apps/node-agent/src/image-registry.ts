import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { imageID, parseImage } from '@daemonledger/domain/cluster/kubelet-images';

/**
 * The simulated image registry: a catalog of repositories and their tags
 * (infra/registry/catalog.yaml says what it holds and where the data comes
 * from). Nothing here knows any particular image; the catalog file decides.
 */
const Tags = z.array(z.union([z.string(), z.number()]).transform(String));
const CatalogSchema = z.object({
  /** The Docker Official Images: the only repositories docker.io/library holds. */
  official: z.array(z.string()).optional(),
  repositories: z.record(
    z.string(),
    z.object({ tags: Tags.optional(), tagSets: z.record(z.string(), z.string()).optional() }).refine((r) => r.tags || r.tagSets, 'needs tags or tagSets'),
  ),
});

/** "1.9.0..12, 1.9.14, latest" → 1.9.0 … 1.9.12, 1.9.14, latest. */
export const expandVersions = (list: string): string[] =>
  list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .flatMap((item) => {
      const run = /^(.*\.)(\d+)\.\.(\d+)$/.exec(item);
      if (!run) return [item];
      const [from, to] = [Number(run[2]), Number(run[3])];
      if (to < from || to - from > 10_000) throw new Error(`bad version run "${item}"`);
      return Array.from({ length: to - from + 1 }, (_, i) => `${run[1]}${from + i}`);
    });

/** Every tag of a `tagSets` entry: "<version>-<variant>", or the version alone for the "" variant. */
export const expandTagSets = (sets: Record<string, string>): string[] =>
  Object.entries(sets).flatMap(([variant, versions]) => expandVersions(versions).map((v) => (variant ? `${v}-${variant}` : v)));

// How references normalise and the ids a runtime gives live in the domain: the fold computes the same imageID.
export { parseImage, type ImageRef } from '@daemonledger/domain/cluster/kubelet-images';

export type PullResult = { ok: true; imageID: string } | { ok: false; reason: 'ErrImagePull'; message: string };

const LIBRARY = 'docker.io/library/';

export class ImageRegistry {
  /**
   * @param official the names docker.io/library holds (undefined: the namespace is open, as any other)
   * @param strict repositories the catalog does not list fail to pull
   */
  constructor(
    private readonly repositories: Map<string, Set<string>>,
    private readonly strict = false,
    private readonly official?: Set<string>,
  ) {}

  static fromFile(path: string, strict = false): ImageRegistry {
    const parsed = CatalogSchema.safeParse(parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      throw new Error(`image catalog ${path} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const { repositories, official } = parsed.data;
    return new ImageRegistry(
      new Map(Object.entries(repositories).map(([repo, r]) => [parseImage(repo).repository, new Set([...(r.tags ?? []), ...expandTagSets(r.tagSets ?? {})])])),
      strict,
      official && new Set(official),
    );
  }

  pull(image: string): PullResult {
    const ref = parseImage(image);
    const tags = this.repositories.get(ref.repository);
    const shown = `${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
    if (this.official && ref.repository.startsWith(LIBRARY) && !this.official.has(ref.repository.slice(LIBRARY.length))) {
      // What containerd reports for a Docker Hub repository that does not exist.
      return {
        ok: false,
        reason: 'ErrImagePull',
        message: `rpc error: code = Unknown desc = failed to pull and unpack image "${shown}": failed to resolve reference "${shown}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
      };
    }
    const found = ref.digest ? tags !== undefined || !this.strict : tags ? tags.has(ref.tag!) : !this.strict;
    if (!found) {
      return {
        ok: false,
        reason: 'ErrImagePull',
        message: `rpc error: code = NotFound desc = failed to pull and unpack image "${shown}": failed to resolve reference "${shown}": ${shown}: not found`,
      };
    }
    return { ok: true, imageID: imageID(image) };
  }
}
