import type { Container } from '../api/types';

/**
 * What a (simulated) node's container runtime knows of images: how a
 * reference normalises, the ids it gives (image and container), each image's
 * size, and the kubelet's image cache with its garbage collection. All pure:
 * the simulated kubelet, the fold and the kube-events projection compute the
 * same ids and sizes from the same names.
 */
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

/** The normalised name a runtime lists an image under: `repo:tag` (or `repo@digest` when pulled by digest). */
export const imageTagName = (image: string): string => {
  const r = parseImage(image);
  return r.tag ? `${r.repository}:${r.tag}` : `${r.repository}@${r.digest}`;
};

/**
 * A pure function's answers for recent keys (bounded: cleared when full), so
 * that equal answers are one shared value: a report's status is built several
 * times (by the kubelet, by the decider checking it, by the fold), each asking
 * for the same image and container ids.
 */
const cached = <V>(cache: Map<string, V>, key: string, compute: (key: string) => V): V => {
  const known = cache.get(key);
  if (known !== undefined) return known;
  if (cache.size >= MAX_CACHED) cache.clear();
  const value = compute(key);
  cache.set(key, value);
  return value;
};
const MAX_CACHED = 8192;

/** A stable 64-hex pseudo digest of a text (FNV-1a rounds: display ids, not security). */
export const hex64 = (s: string): string => cached(digests, s, fnvRounds);
const digests = new Map<string, string>();

const fnvRounds = (s: string): string => {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
};

/**
 * A container status's `imageID` as containerd reports it: `<repo>@sha256:<64 hex>`,
 * the repository digest (the one given when the image is named by digest).
 */
export const imageID = (image: string): string => cached(imageIDs, image, repoDigest);
const imageIDs = new Map<string, string>();

const repoDigest = (image: string): string => {
  const r = parseImage(image);
  if (r.digest) return `${r.repository}@${r.digest}`;
  return `${r.repository}@sha256:${hex64(`${r.repository}:${r.tag}`)}`;
};

/** `containerd://<64 hex>`, one per (pod, container, restart): a restarted container is a new container. */
export const containerID = (podUid: string, container: string, restarts = 0): string =>
  `containerd://${hex64(`${podUid}/${container}/${restarts}`)}`;

/** An image's size on disk, deterministic per image: 5 MB … 205 MB (what `status.images[].sizeBytes` and the Pulled event say). */
export const imageSizeBytes = (image: string): number => {
  const h = parseInt(hex64(imageTagName(image)).slice(0, 8), 16);
  return 5_000_000 + (h % 200_000_000);
};

/**
 * A container's pull policy: its own, else upstream's default (pkg/apis/core/v1
 * defaults: `Always` for `:latest` or no tag, `IfNotPresent` otherwise).
 */
export const pullPolicy = (c: Pick<Container, 'image' | 'imagePullPolicy'>): string =>
  c.imagePullPolicy || (parseImage(c.image ?? '').tag === 'latest' ? 'Always' : 'IfNotPresent');

/** Upstream's shouldPullImage (pkg/kubelet/images/image_manager.go): Never never, Always always, IfNotPresent when absent. */
export const shouldPull = (policy: string, present: boolean): boolean =>
  policy === 'Never' ? false : policy === 'IfNotPresent' ? !present : true;

/**
 * A Go `time.Duration` String() of whole milliseconds, as upstream formats a
 * pull's duration: `0s`, `750ms`, `1.2s`, `1m2.5s`, `1h0m0s`.
 */
export const goDuration = (ms: number): string => {
  const d = Math.max(0, Math.round(ms));
  if (d === 0) return '0s';
  if (d < 1000) return `${d}ms`;
  const frac = (n: number) => (n ? `.${String(n).padStart(3, '0').replace(/0+$/, '')}` : '');
  const h = Math.floor(d / 3_600_000);
  const m = Math.floor((d % 3_600_000) / 60_000);
  const s = Math.floor((d % 60_000) / 1000);
  const sec = `${s}${frac(d % 1000)}s`;
  return h ? `${h}h${m}m${sec}` : m ? `${m}m${sec}` : sec;
};

/** The Pulled event's message after a real pull (pkg/kubelet/images/image_manager.go, EnsureImageExists). */
export const pulledMessage = (image: string, ms: number): string =>
  `Successfully pulled image "${image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting). Image size: ${imageSizeBytes(image)} bytes.`;

/** The Pulled event's message when the policy let the kubelet use the image it has. */
export const alreadyPresentMessage = (image: string): string => `Container image "${image}" already present on machine`;

/**
 * A node's image cache: the images its runtime holds, least recently used
 * first. Bounded as the kubelet's image GC bounds it (pkg/kubelet/images/image_gc_manager.go):
 * when the images' bytes pass the high threshold of the budget, the least
 * recently used images no container uses are removed until the bytes are under
 * the low threshold. The budget stands for the image filesystem's size.
 */
export interface ImageCache {
  /** `repo:tag` names, least recently used first. */
  images: { name: string; lastUsed: string }[];
}

export interface ImageGcPolicy {
  budgetBytes: number;
  /** upstream's imageGCHighThresholdPercent / imageGCLowThresholdPercent defaults. */
  highPercent: number;
  lowPercent: number;
}

/** 10 GiB of image space, upstream's 85 % / 80 % thresholds. */
export const DEFAULT_IMAGE_GC: ImageGcPolicy = { budgetBytes: 10 * 1024 ** 3, highPercent: 85, lowPercent: 80 };

export const EMPTY_IMAGE_CACHE: ImageCache = { images: [] };

export const hasImage = (cache: ImageCache, image: string): boolean => {
  const name = imageTagName(image);
  return cache.images.some((i) => i.name === name);
};

/**
 * The cache after `images` were pulled or used at `at`, then garbage collected;
 * `inUse` (the images of the node's containers) are never removed.
 */
export const useImages = (cache: ImageCache, images: readonly string[], at: string, inUse: readonly string[] = [], gc: ImageGcPolicy = DEFAULT_IMAGE_GC): ImageCache => {
  const used = new Set(images.map(imageTagName));
  const kept = cache.images.filter((i) => !used.has(i.name));
  const next = [...kept, ...[...used].map((name) => ({ name, lastUsed: at }))];
  return collectImages({ images: next }, new Set([...inUse.map(imageTagName), ...used]), gc);
};

const collectImages = (cache: ImageCache, inUse: Set<string>, gc: ImageGcPolicy): ImageCache => {
  let total = cache.images.reduce((n, i) => n + imageSizeBytes(i.name), 0);
  if (total * 100 <= gc.budgetBytes * gc.highPercent) return cache;
  const target = (gc.budgetBytes * gc.lowPercent) / 100;
  const images = [...cache.images];
  for (let k = 0; k < images.length && total > target; ) {
    if (inUse.has(images[k].name)) {
      k++;
      continue;
    }
    total -= imageSizeBytes(images[k].name);
    images.splice(k, 1);
  }
  return { images };
};

/** upstream's nodeStatusMaxImages default: a node lists at most its 50 largest images. */
export const NODE_STATUS_MAX_IMAGES = 50;

/**
 * `node.status.images` for a cache, as the kubelet's setter lists them
 * (pkg/kubelet/nodestatus/setters.go, Images): largest first, at most 50,
 * each named by its repo digest and its tag.
 */
export const nodeImages = (cache: ImageCache): { names: string[]; sizeBytes: number }[] =>
  cache.images
    .map((i) => nodeImage(i.name))
    .sort((a, b) => b.sizeBytes - a.sizeBytes || a.names[1].localeCompare(b.names[1]))
    .slice(0, NODE_STATUS_MAX_IMAGES);

/**
 * One image's entry in `node.status.images`. Every node that holds the image
 * lists the same entry, so it is one frozen object shared by all of them
 * (a 100,000-node cluster would otherwise keep 100,000 copies of each).
 */
const nodeImage = (name: string): { names: string[]; sizeBytes: number } =>
  cached(nodeImageEntries, name, (n) => Object.freeze({ names: Object.freeze([imageID(n), n]) as string[], sizeBytes: imageSizeBytes(n) }));
const nodeImageEntries = new Map<string, { names: string[]; sizeBytes: number }>();

/** `node.status.images` for the names a NodeImagesChanged records. */
export const nodeImagesOf = (names: readonly string[]) => nodeImages({ images: names.map((name) => ({ name, lastUsed: '' })) });

/**
 * How long a simulated pod takes to start, as stages (KWOK's stages are the
 * model): the sandbox (its IP appears once it is up, as after upstream's
 * RunPodSandbox), then each image pull. An uncached start takes `podStartMs`
 * in all; a start from cached images only the sandbox's share.
 */
export interface StartStages {
  sandboxMs: number;
  pullMs: number;
}

export const startStages = (podStartMs: number): StartStages => {
  const sandboxMs = Math.round(podStartMs / 4);
  return { sandboxMs, pullMs: podStartMs - sandboxMs };
};

/**
 * The pulls a start needs: per container, how long its pull takes (ms), or
 * null when the node has the image and the container's pull policy lets the
 * kubelet use it (upstream's EnsureImageExists: no pull, "already present").
 */
export const pullPlan = (containers: readonly Pick<Container, 'image' | 'imagePullPolicy'>[], cache: ImageCache, podStartMs: number): (number | null)[] => {
  const { pullMs } = startStages(podStartMs);
  return containers.map((c) => (shouldPull(pullPolicy(c), hasImage(cache, c.image ?? '')) ? pullMs : null));
};
