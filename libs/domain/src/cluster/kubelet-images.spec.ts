import { evolveNode } from './evolve';
import {
  alreadyPresentMessage,
  containerID,
  EMPTY_IMAGE_CACHE,
  goDuration,
  hasImage,
  imageID,
  imageSizeBytes,
  imageTagName,
  nodeImages,
  NODE_STATUS_MAX_IMAGES,
  pulledMessage,
  pullPlan,
  pullPolicy,
  shouldPull,
  startStages,
  useImages,
} from './kubelet-images';
import { decideNode } from './node.decider';
import { simulatedNode } from './simulated-node';

const T = (s: number) => new Date(Date.UTC(2026, 11, 3, 9, 0, s)).toISOString();

describe('ids as a container runtime gives them', () => {
  it('imageID is <repo>@sha256:<64 hex>, the same for every spelling of one image', () => {
    expect(imageID('nginx:1.9.1')).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(imageID('docker.io/library/nginx:1.9.1')).toBe(imageID('nginx:1.9.1'));
    expect(imageID('nginx:1.9.2')).not.toBe(imageID('nginx:1.9.1'));
  });

  it('an image named by digest keeps that digest', () => {
    const d = `sha256:${'ab'.repeat(32)}`;
    expect(imageID(`quay.io/x/y@${d}`)).toBe(`quay.io/x/y@${d}`);
  });

  it('containerID is containerd://<64 hex>, per pod uid, container and restart', () => {
    expect(containerID('uid-1', 'app')).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(containerID('uid-1', 'app')).toBe(containerID('uid-1', 'app', 0));
    expect(new Set([containerID('uid-1', 'app'), containerID('uid-2', 'app'), containerID('uid-1', 'web'), containerID('uid-1', 'app', 1)]).size).toBe(4);
  });

  it('an image’s size is deterministic and plausible (5 MB … 205 MB)', () => {
    expect(imageSizeBytes('nginx:1.9.1')).toBe(imageSizeBytes('docker.io/library/nginx:1.9.1'));
    expect(imageSizeBytes('nginx:1.9.1')).toBeGreaterThanOrEqual(5_000_000);
    expect(imageSizeBytes('nginx:1.9.1')).toBeLessThan(205_000_000);
  });
});

describe('image pull policy (upstream shouldPullImage and defaults)', () => {
  it.each([
    ['a tag other than latest defaults to IfNotPresent', { image: 'nginx:1.9.1' }, 'IfNotPresent'],
    ['latest defaults to Always', { image: 'nginx:latest' }, 'Always'],
    ['no tag defaults to Always', { image: 'nginx' }, 'Always'],
    ['the container’s own policy wins', { image: 'nginx:latest', imagePullPolicy: 'IfNotPresent' }, 'IfNotPresent'],
  ])('%s', (_n, c, policy) => expect(pullPolicy(c)).toBe(policy));

  it.each([
    ['Always pulls a present image', 'Always', true, true],
    ['IfNotPresent uses a present image', 'IfNotPresent', true, false],
    ['IfNotPresent pulls an absent image', 'IfNotPresent', false, true],
    ['Never never pulls', 'Never', false, false],
  ])('%s', (_n, policy, present, pull) => expect(shouldPull(policy, present)).toBe(pull));
});

describe('the Pulled event’s texts (pkg/kubelet/images/image_manager.go)', () => {
  it.each([
    [0, '0s'],
    [750, '750ms'],
    [1200, '1.2s'],
    [1000, '1s'],
    [15981, '15.981s'],
    [62500, '1m2.5s'],
    [3_600_000, '1h0m0s'],
  ])('%d ms prints as Go’s Duration.String: %s', (ms, text) => expect(goDuration(ms)).toBe(text));

  it('a real pull says how long, including waiting, and the image size', () => {
    expect(pulledMessage('nginx:1.9.1', 1200)).toBe(`Successfully pulled image "nginx:1.9.1" in 1.2s (1.2s including waiting). Image size: ${imageSizeBytes('nginx:1.9.1')} bytes.`);
  });

  it('a present image is named as the pod spec names it', () => {
    expect(alreadyPresentMessage('nginx:1.9.1')).toBe('Container image "nginx:1.9.1" already present on machine');
  });
});

describe('a node’s image cache (bounded like the kubelet’s image GC)', () => {
  it('remembers what it pulled, under the runtime’s name', () => {
    const cache = useImages(EMPTY_IMAGE_CACHE, ['nginx:1.9.1'], T(0));
    expect(hasImage(cache, 'docker.io/library/nginx:1.9.1')).toBe(true);
    expect(hasImage(cache, 'nginx:1.9.2')).toBe(false);
  });

  it('past the high threshold it removes the least recently used unused images down to the low threshold', () => {
    const images = Array.from({ length: 12 }, (_, i) => `app:${i}`);
    const budgetBytes = images.slice(0, 6).reduce((n, i) => n + imageSizeBytes(i), 0);
    const gc = { budgetBytes, highPercent: 85, lowPercent: 80 };
    let cache = EMPTY_IMAGE_CACHE;
    images.forEach((image, i) => (cache = useImages(cache, [image], T(i), [image, 'app:0'], gc)));
    const total = cache.images.reduce((n, i) => n + imageSizeBytes(i.name), 0);
    expect(total * 100).toBeLessThanOrEqual(budgetBytes * 85);
    // app:0 is in use all along: never removed, although the oldest.
    expect(hasImage(cache, 'app:0')).toBe(true);
    // The newest is always kept; the ones removed were the oldest.
    expect(hasImage(cache, 'app:11')).toBe(true);
    const kept = cache.images.map((i) => i.name);
    const removed = images.map(imageTagName).filter((n) => !kept.includes(n));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.every((n) => images.map(imageTagName).indexOf(n) < images.map(imageTagName).indexOf(kept[kept.length - 1]))).toBe(true);
  });

  it('using an image again makes it the most recently used', () => {
    const cache = useImages(useImages(useImages(EMPTY_IMAGE_CACHE, ['a:1'], T(0)), ['b:1'], T(1)), ['a:1'], T(2));
    expect(cache.images.map((i) => i.name)).toEqual(['docker.io/library/b:1', 'docker.io/library/a:1']);
  });

  it('node.status.images lists [repo@sha256, repo:tag] with sizeBytes, largest first, at most 50', () => {
    let cache = EMPTY_IMAGE_CACHE;
    for (let i = 0; i < 60; i++) cache = useImages(cache, [`img:${i}`], T(i), [], { budgetBytes: 1e15, highPercent: 85, lowPercent: 80 });
    const listed = nodeImages(cache);
    expect(listed).toHaveLength(NODE_STATUS_MAX_IMAGES);
    expect(listed[0].names).toEqual([imageID(listed[0].names[1]), expect.stringMatching(/^docker\.io\/library\/img:\d+$/)]);
    expect(listed[0].names[0]).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(listed.map((i) => i.sizeBytes)).toEqual([...listed.map((i) => i.sizeBytes)].sort((a, b) => b - a));
  });
});

describe('a start’s pulls (pullPlan)', () => {
  const cache = useImages(EMPTY_IMAGE_CACHE, ['nginx:1.9.1'], T(0));
  it.each([
    ['an image the node has, IfNotPresent (a tag’s default): no pull', [{ image: 'nginx:1.9.1' }], [null]],
    ['an image the node lacks: pulled (the start’s pull share)', [{ image: 'nginx:1.24.0' }], [1500]],
    ['Always pulls what the node has', [{ image: 'nginx:1.9.1', imagePullPolicy: 'Always' }], [1500]],
    ['per container', [{ image: 'nginx:1.9.1' }, { image: 'busybox:1.36' }], [null, 1500]],
  ])('%s', (_n, containers, plan) => expect(pullPlan(containers, cache, 2000)).toEqual(plan));
});

describe('start stages (sandbox, then pulls)', () => {
  it('an uncached start takes podStartMs in all; the sandbox is the first quarter', () => {
    expect(startStages(2000)).toEqual({ sandboxMs: 500, pullMs: 1500 });
    expect(startStages(0)).toEqual({ sandboxMs: 0, pullMs: 0 });
  });
});

describe('a node’s images in the log (ReportNodeImages → NodeImagesChanged)', () => {
  const ctx = { now: '2026-12-03T09:00:00Z', newUid: 'node-uid' };
  const node = evolveNode(undefined, decideNode({ type: 'JoinNode', node: simulatedNode(1) }, undefined, ctx)[0], '1')!;
  const images = ['docker.io/library/nginx:1.9.1', 'docker.io/library/nginx:1.24.0'];

  it('records the names; the fold lists them as status.images, largest first', () => {
    const events = decideNode({ type: 'ReportNodeImages', images }, node, ctx);
    expect(events).toEqual([{ type: 'NodeImagesChanged', data: { images } }]);
    const after = evolveNode(node, events[0], '2')!;
    expect(after.status?.images).toEqual(nodeImages({ images: images.map((name) => ({ name, lastUsed: '' })) }));
    expect(after.status?.images?.map((i) => i.names?.[1]).sort()).toEqual([...images].sort());
    expect(after.status?.conditions).toEqual(node.status?.conditions);
  });

  it('the same list again (only reordered by use) records nothing', () => {
    const after = evolveNode(node, decideNode({ type: 'ReportNodeImages', images }, node, ctx)[0], '2')!;
    expect(decideNode({ type: 'ReportNodeImages', images: [...images].reverse() }, after, ctx)).toEqual([]);
  });
});
