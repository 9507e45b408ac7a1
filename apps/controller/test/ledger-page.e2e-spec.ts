import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type ApiHarness, MANIFESTS, startApiHarness } from './api-harness';

/**
 * The timeline page at /ledger/ in Debian's headless Chromium, against the
 * whole server: sign in with the viewer token through the URL fragment,
 * pick the DaemonSet, read one lane per node with the steps of real rolling
 * updates (one set image through the API, a typo that stalls, an undo), and
 * move the position slider into the past. `UPDATE_SCREENSHOT=1` rewrites
 * docs/ledger-page.png for the README.
 */
jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = join(__dirname, '../../../docs/ledger-page.png');
const NODES = 5;

/**
 * Waits until a page expression is true. Not `page.waitForFunction`: that
 * evaluates its text with eval inside the page, which the page's own
 * Content-Security-Policy (script-src 'self') rightly refuses; `evaluate`
 * goes through the DevTools protocol, which the policy does not govern.
 */
const waitForTrue = async (page: Page, expression: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expression).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const DS = '/apis/apps/v1/namespaces/default/daemonsets/nginx-ds';
const ROLLOUTS = '/apis/ledger.daemonledger.io/v1/namespaces/default/rollouts?labelSelector=ledger.daemonledger.io%2Fdaemonset%3Dnginx-ds';

interface RolloutItem {
  spec: { rollout: number; toRevision: number };
  status: { state: string };
}

describe('the timeline page in Chromium', () => {
  let h: ApiHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The log head once the first rollout was complete: every node on revision 1. */
  let beforeSetImage = 0;

  const rollouts = async () => (await h.raw(ROLLOUTS)).json<{ items: RolloutItem[] }>().items;
  const rolloutEnds = (n: number, state: string) =>
    h.until(async () => (await rollouts()).some((r) => r.spec.rollout === n && r.status.state === state), 30_000, `rollout #${n} ${state}`);
  const setImage = async (image: string, cause: string) => {
    const patch = { metadata: { annotations: { 'kubernetes.io/change-cause': cause } }, spec: { template: { spec: { containers: [{ name: 'nginx-ds', image }] } } } };
    const res = await h.raw(DS, { method: 'PATCH', contentType: 'application/strategic-merge-patch+json', body: patch });
    if (res.status !== 200) throw new Error(`set image ${image}: ${res.status} ${res.body}`);
  };
  const gridRevisions = () => page.$$eval('#grid > li', (cells) => cells.map((c) => `${c.getAttribute('data-node')}=${c.getAttribute('data-revision')}`));
  const gridAt = (p: number) => page.waitForSelector(`#grid[data-position="${p}"]`);

  beforeAll(async () => {
    // Fail, never skip: CI must not pass without the browser test.
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/ensure-chromium.sh (apt-get install chromium), or set CHROMIUM_PATH`);
    h = await startApiHarness({ nodes: NODES, podStartMs: 150 });
    const applied = await h.kubectl(['apply', '-f', join(MANIFESTS, 'nginx-ds.yaml')]);
    if (applied.code !== 0) throw new Error(applied.stderr);
    await rolloutEnds(1, 'Complete');
    beforeSetImage = await h.head();
    await setImage('nginx:1.9.1', 'set image nginx-ds=nginx:1.9.1: the page e2e');
    await rolloutEnds(2, 'Complete');
    await setImage('nginx:1.91', 'set image nginx-ds=nginx:1.91: a typo');
    await rolloutEnds(3, 'Stalled');
    const undo = await h.kubectl(['rollout', 'undo', 'ds/nginx-ds']);
    if (undo.code !== 0) throw new Error(undo.stderr);
    await rolloutEnds(4, 'Complete');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    // The server's certificate is its own CA, as in the kubeconfigs: the browser is told to accept it.
    context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  it('serves its own files without a token, and nothing else under /ledger/', async () => {
    const html = await h.raw('/ledger/', { token: null });
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(html.body).toContain('<label for="position">Log position</label>');
    expect((await h.raw('/ledger/app.js', { token: null })).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await h.raw('/ledger', { token: null })).headers.location).toBe('/ledger/');
    expect((await h.raw('/ledger/v1/verify', { token: null })).status).toBe(401);
    expect((await h.raw('/ledger/tokens.json', { token: null })).status).toBe(401);
    expect((await h.raw('/apis/apps/v1/daemonsets', { token: null })).status).toBe(401);
  });

  it('asks for a token, and says so when the server refuses one', async () => {
    await page.goto(`${h.url}/ledger/`);
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#token', 'not-a-token');
    await page.click('#login-form button[type=submit]');
    // (Functions evaluated in the page are given as text: the tests compile without the DOM's types.)
    await waitForTrue(page, "document.querySelector('#login-error').textContent.includes('401')");
    expect(await page.evaluate("sessionStorage.getItem('daemonledger.token')")).toBeNull();
  });

  it('signs in with the viewer token from the fragment, and takes it out of the address bar', async () => {
    await page.goto(`${h.url}/ledger/#token=${encodeURIComponent(h.tokens.viewer)}`);
    await page.waitForSelector('#viewer:not([hidden])');
    expect(page.url()).not.toContain(h.tokens.viewer);
    await waitForTrue(page, "document.querySelector('#who').textContent === 'signed in as viewer'");
    expect(await page.$$eval('#ds option', (os) => os.map((o) => o.textContent))).toEqual(['default/nginx-ds']);
  });

  it('draws one lane per node, each with the steps of the rolling update', async () => {
    await page.selectOption('#ds', 'default/nginx-ds');
    await page.waitForSelector('#chart .lane');
    const lanes = await page.$$eval('#chart .lane', (ls) => ls.map((l) => l.getAttribute('data-node')));
    expect(lanes).toEqual(Array.from({ length: NODES }, (_, i) => `node-${i}`));
    for (const node of lanes) {
      const kinds = await page.$$eval(`#chart .lane[data-node="${node}"] [data-rollout="2"]`, (els) => els.map((e) => e.className));
      // The set image through the API: old pod stopping, new pod pulling, starting, then Ready.
      for (const kind of ['seg stopping', 'seg pulling', 'seg starting', 'mark ready']) expect(kinds).toContain(kind);
    }
  });

  it('bands every rollout from → to revision, marking the stall and the undo', async () => {
    const bands = await page.$$eval('#chart .band', (bs) => bs.map((b) => [b.getAttribute('data-rollout'), b.getAttribute('data-label'), b.classList.contains('stalled'), b.classList.contains('undo')]));
    expect(bands).toEqual([
      ['1', '#1 rev –→1', false, false],
      ['2', '#2 rev 1→2', false, false],
      ['3', '#3 rev 2→3 ⚠ pull failed', true, false], // stalled, then superseded by the undo
      ['4', '#4 rev 3→4 ↶ undo', false, true],
    ]);
    // On the band itself: the words, or where they do not fit the marks the legend explains.
    for (const text of await page.$$eval('#chart .band .band-text', (ts) => ts.map((t) => t.textContent ?? ''))) expect(text).toMatch(/^#\d rev (–|\d)→\d/);
    expect(await page.textContent('#chart .band[data-rollout="3"]')).toContain('⚠');
    expect(await page.textContent('#chart .band[data-rollout="4"]')).toContain('↶');
    expect(await page.$$eval('#chart .mark.pullFailed[data-rollout="3"]', (ms) => ms.length)).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('#legend')).toContain('image pull failed');
  });

  it('lays the same lanes along log positions instead of wall time', async () => {
    await page.check('input[name=axis][value=position]');
    await waitForTrue(page, "/^position \\d+$/.test(document.querySelector('#chart .tick').textContent)");
    expect(await page.$$eval('#chart .lane', (ls) => ls.length)).toBe(NODES);
    await page.check('input[name=axis][value=time]');
    await waitForTrue(page, "/Z$/.test(document.querySelector('#chart .tick').textContent)");
  });

  it('shows the cluster at the head: every node on the undo’s revision, Ready', async () => {
    const head = Number(await page.getAttribute('#position', 'max'));
    expect(head).toBeGreaterThan(beforeSetImage);
    await gridAt(head);
    expect(await gridRevisions()).toEqual(Array.from({ length: NODES }, (_, i) => `node-${i}=4`));
    expect(await page.$$eval('#grid .pod .state', (ss) => ss.map((s) => s.textContent))).toEqual(Array(NODES).fill('Ready'));
  });

  it('moves back in time with the keyboard and to an exact position, through the time-travel API', async () => {
    await page.focus('#position');
    await page.keyboard.press('Home');
    // Position 1 may hold no node yet (the control plane's ServiceAccounts can come first): an empty grid.
    await page.waitForSelector('#grid[data-position="1"]', { state: 'attached' });
    expect(await page.textContent('#at-summary')).toContain('did not exist at position 1');
    await page.fill('#position-exact', String(beforeSetImage));
    await page.press('#position-exact', 'Enter');
    await gridAt(beforeSetImage);
    expect(await gridRevisions()).toEqual(Array.from({ length: NODES }, (_, i) => `node-${i}=1`));
    expect(await page.textContent('#at-summary')).toContain('repository.test.com:8444/kubernetes/nginx/nginx:1.7.9');
    expect(page.url()).toContain(`at=${beforeSetImage}`);
  });

  it('steps through the rollout: mid-update, nodes run both revisions', async () => {
    await page.click('#next');
    let mixed = false;
    for (let i = 0; i < 200 && !mixed; i++) {
      const p = Number(await page.inputValue('#position'));
      await gridAt(p);
      const revs = new Set((await gridRevisions()).map((c) => c.split('=')[1]));
      mixed = revs.has('1') && revs.has('2');
      if (!mixed) await page.click('#next');
    }
    expect(mixed).toBe(true);
    if (process.env.UPDATE_SCREENSHOT === '1') {
      // For the README: a little further, until at least two nodes run the new revision.
      for (let i = 0; i < 100; i++) {
        const revs = (await gridRevisions()).map((c) => c.split('=')[1]);
        if (revs.filter((r) => r === '2').length >= 2 && revs.includes('1')) break;
        await page.click('#next');
        await gridAt(Number(await page.inputValue('#position')));
      }
      mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(statSync(SCREENSHOT).size).toBeLessThan(300 * 1024);
    }
  });
});
