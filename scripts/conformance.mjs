// `npm run test:conformance`: Kubernetes' own sig-apps e2e specs for
// DaemonSets and ControllerRevisions (k8s.io/kubernetes v1.32.10) against
// this project's server, started as `npm start` starts it on a fresh
// DATA_DIR. The suite gets nothing but --provider=skeleton and --kubeconfig
// (plus Ginkgo's focus and its JSON report), so it talks to the server with
// the framework's defaults: protobuf bodies, a ServiceAccount wait per test
// namespace, and the suite set-up every upstream run does.
//
// Prints the spec list with pass/fail, a plain `N passed, N failed` line, and
// exits non-zero unless all EXPECTED_SPECS ran and passed. The suite's full
// output and the server's log stay in the run directory it names.
//
// Env: CONFORMANCE_FOCUS overrides the focus regex (a subset then counts as
// the whole), CONFORMANCE_VERBOSE=1 streams the suite's output,
// CONFORMANCE_KEEP=1 keeps the run directory after a passing run.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConformance, root, run } from './go-tools.mjs';

const FOCUS = process.env.CONFORMANCE_FOCUS ?? String.raw`\[sig-apps\] (Daemon set|ControllerRevision)`;
const EXPECTED_SPECS = process.env.CONFORMANCE_FOCUS ? undefined : 11;
const SERVER_START_TIMEOUT_MS = 120_000;

const say = (line) => console.log(line);

/** `npm start`'s server (built main.js) on `dir`, on a free port; resolves with its admin kubeconfig once it serves. */
const startServer = (dir) =>
  new Promise((resolveStart, reject) => {
    const log = createWriteStream(join(dir, 'server.log'));
    const child = spawn(process.execPath, [join(root, 'dist/apps/controller/src/main.js')], {
      env: { ...process.env, DATA_DIR: join(dir, 'data'), PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${SERVER_START_TIMEOUT_MS / 1000} s (see ${dir}/server.log)`));
    }, SERVER_START_TIMEOUT_MS);
    child.stderr.pipe(log, { end: false });
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      log.write(chunk);
      if (out === null) return;
      out += chunk;
      const m = /export KUBECONFIG=(\S+)/.exec(out);
      if (m) {
        out = null;
        clearTimeout(timer);
        resolveStart({ child, kubeconfig: m[1], url: /Kubernetes API on (\S+)/.exec(m.input)?.[1] });
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${signal ?? code}) before it served (see ${dir}/server.log)`));
    });
  });

const stopServer = (child) =>
  new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolveStop();
    });
    child.kill('SIGTERM');
  });

/** Runs the suite binary with `extra` flags; its output goes to `logName` (and the terminal when verbose). Resolves with its exit code. */
const runSuite = (bin, dir, extra, logName) =>
  new Promise((resolveRun, reject) => {
    const args = ['--provider=skeleton', ...extra, `--ginkgo.focus=${FOCUS}`, '--ginkgo.no-color'];
    const log = createWriteStream(join(dir, logName));
    const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [child.stdout, child.stderr]) {
      s.pipe(log, { end: false });
      if (process.env.CONFORMANCE_VERBOSE === '1') s.pipe(process.stdout, { end: false });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      log.end();
      resolveRun(code ?? (signal ? 128 : 1));
    });
  });

/**
 * The specs of Ginkgo's JSON report whose full text the focus matches (the
 * report also lists every other spec of the package, as skipped), and the
 * failures of suite-level nodes (set-up and tear-down).
 */
const readReport = (file) => {
  const focus = new RegExp(FOCUS);
  const specs = new Map();
  const suiteFailures = [];
  for (const suite of JSON.parse(readFileSync(file, 'utf8'))) {
    for (const r of suite.SpecReports ?? []) {
      const message = r.Failure?.Message ? r.Failure.Message.split('\n').slice(0, 8).join('\n      ') : '';
      const where = r.Failure?.Location ? ` (${r.Failure.Location.FileName.replace(/.*\/k8s.io\/kubernetes@[^/]+\//, '')}:${r.Failure.Location.LineNumber})` : '';
      if (r.LeafNodeType === 'It') {
        const name = [...(r.ContainerHierarchyTexts ?? []), r.LeafNodeText].join(' ');
        if (focus.test(name)) specs.set(name, { name, state: r.State, message: message && `${message}${where}`, seconds: (r.RunTime ?? 0) / 1e9 });
      } else if (r.State !== 'passed' && message) suiteFailures.push(`${r.LeafNodeType}: ${message}${where}`);
    }
  }
  return { specs, suiteFailures };
};

const main = async () => {
  const started = Date.now();
  const { bin, seconds: buildSeconds } = await buildConformance({ log: say });
  await run('npm', ['run', 'build', '--silent'], { cwd: root });

  const dir = mkdtempSync(join(tmpdir(), 'daemonledger-conformance-'));
  say(`conformance: run directory ${dir} (server.log, suite.log, report.json)`);

  // What the focus selects, from a dry run: the yardstick for the real run,
  // which reports nothing about specs when the suite set-up fails.
  const dry = await runSuite(bin, dir, [`--ginkgo.dry-run`, `--ginkgo.json-report=${join(dir, 'specs.json')}`], 'dry-run.log');
  if (!existsSync(join(dir, 'specs.json'))) throw new Error(`the suite binary could not list its specs (exit ${dry}); see ${dir}/dry-run.log`);
  const selected = [...readReport(join(dir, 'specs.json')).specs.keys()].sort();

  const server = await startServer(dir);
  say(`conformance: server on ${server.url}, kubeconfig ${server.kubeconfig}`);
  say(`conformance: ${bin} --provider=skeleton --kubeconfig=${server.kubeconfig} --ginkgo.focus='${FOCUS}' (${selected.length} specs)`);
  let code;
  const t0 = Date.now();
  try {
    code = await runSuite(bin, dir, [`--kubeconfig=${server.kubeconfig}`, `--ginkgo.json-report=${join(dir, 'report.json')}`], 'suite.log');
  } finally {
    await stopServer(server.child);
  }
  const runSeconds = (Date.now() - t0) / 1000;

  const reportFile = join(dir, 'report.json');
  if (!existsSync(reportFile)) throw new Error(`the suite wrote no report (exit ${code}); see ${dir}/suite.log`);
  const { specs, suiteFailures } = readReport(reportFile);
  const results = selected.map(
    (name) => specs.get(name) ?? { name, state: 'not run', message: suiteFailures.length ? 'the suite set-up failed (see SUITE below)' : '', seconds: 0 },
  );
  const passed = results.filter((s) => s.state === 'passed');
  const failed = results.filter((s) => s.state !== 'passed');

  say('');
  for (const s of results) {
    say(`${s.state === 'passed' ? 'PASS' : 'FAIL'}  ${s.name}${s.state === 'passed' ? ` (${s.seconds.toFixed(1)} s)` : ` [${s.state}]`}`);
    if (s.state !== 'passed' && s.message) say(`      ${s.message}`);
  }
  for (const f of suiteFailures) say(`SUITE ${f}`);
  say('');
  say(`build ${buildSeconds ? `${buildSeconds.toFixed(0)} s` : 'up to date'}, suite ${runSeconds.toFixed(0)} s, total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  say(`${passed.length} passed, ${failed.length} failed`);

  const countOk = EXPECTED_SPECS === undefined || selected.length === EXPECTED_SPECS;
  if (!countOk) say(`conformance: expected ${EXPECTED_SPECS} specs to match the focus, ${selected.length} did`);
  const ok = code === 0 && failed.length === 0 && passed.length > 0 && countOk;
  if (ok && process.env.CONFORMANCE_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  else say(`conformance: logs kept in ${dir}`);
  process.exit(ok ? 0 : 1);
};

main().catch((e) => {
  console.error(`conformance: ${e.message}`);
  process.exit(1);
});
