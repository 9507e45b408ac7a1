#!/usr/bin/env node
// A single-node Kafka broker (KRaft: one process is broker and controller) on
// 127.0.0.1, from Apache Kafka's own jars on Maven Central: no Docker, no
// download outside the package registries.
//
//   npm run kafka                     KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
//                                     data under DATA_DIR/kafka (./data/kafka); Ctrl-C stops it
//   require('infra/kafka/broker.js')  startBroker(): free ports, a temporary data
//                                     dir, a handle whose stop() kills the JVM and removes it
//
// The jars (~46, ~43 MB) are fetched once by Maven into
// ${XDG_CACHE_HOME:-~/.cache}/daemonledger/kafka/<hash of pom.xml>/ (KAFKA_CACHE_DIR
// overrides), outside the clone, so fresh clones on this machine reuse them.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const here = __dirname;
const POM = path.join(here, 'pom.xml');
const LOG_CONFIG = path.join(here, 'log4j2.properties');
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const STARTED = /Kafka Server started/;

const cacheRoot = () =>
  process.env.KAFKA_CACHE_DIR ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'daemonledger', 'kafka');

/** The folder of the broker's jars, fetched with Maven the first time (the pom's hash names it). */
const ensureJars = (log = () => undefined) => {
  const pom = fs.readFileSync(POM);
  const dir = path.join(cacheRoot(), createHash('sha256').update(pom).digest('hex').slice(0, 12));
  const jars = path.join(dir, 'jars');
  if (fs.existsSync(path.join(dir, 'complete'))) return jars;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(dir, 'fetch-'));
  const started = Date.now();
  log(`kafka: fetching the broker's jars with Maven into ${jars} (once)`);
  const mvn = spawnSync(
    'mvn',
    ['-B', '-q', '-f', POM, `${DEPENDENCY_PLUGIN}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (mvn.error || mvn.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const why = mvn.error ? mvn.error.message : `${mvn.stdout}\n${mvn.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`kafka: Maven could not fetch the broker's jars (is mvn installed and Maven Central reachable?):\n${why}`);
  }
  const files = fs.readdirSync(tmp).filter((f) => f.endsWith('.jar'));
  if (!files.some((f) => /^kafka_2\.13-/.test(f))) throw new Error(`kafka: Maven finished but ${tmp} holds no kafka_2.13 jar`);
  fs.rmSync(jars, { recursive: true, force: true });
  fs.renameSync(tmp, jars);
  const bytes = files.reduce((n, f) => n + fs.statSync(path.join(jars, f)).size, 0);
  fs.writeFileSync(path.join(dir, 'complete'), `${files.length} jars, ${bytes} bytes, fetched in ${Date.now() - started} ms\n`);
  log(`kafka: ${files.length} jars, ${(bytes / 1e6).toFixed(1)} MB, fetched in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return jars;
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const serverProperties = ({ port, controllerPort, logDir }) =>
  [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${logDir}`,
    // One node: every internal topic has one replica.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=8',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'default.replication.factor=1',
    // Topics come from the transport (its partition count), never from a typo.
    'auto.create.topics.enable=false',
    // A new consumer group forms at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // A restart after kill -9 is ready in ~5 s instead of ~15 s.
    'broker.heartbeat.interval.ms=500',
    'broker.session.timeout.ms=2000',
    '',
  ].join('\n');

/** A Kafka cluster id: 16 random bytes, base64url (what StorageTool random-uuid prints, without a JVM start). */
const clusterId = () => {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
};

const java = (jars, args, extra = {}) =>
  spawn('java', ['-Xmx512m', `-Dlog4j2.configurationFile=${LOG_CONFIG}`, '-cp', path.join(jars, '*'), ...args], extra);

/**
 * Starts a broker and resolves once it serves. Options: port / controllerPort
 * (0 or absent: free ones), dataDir (absent: a temporary one, removed by stop),
 * log (lines worth showing), verbose (show every broker line), timeoutMs.
 */
const startBroker = async (options = {}) => {
  const log = options.log || (() => undefined);
  const jars = ensureJars(log);
  const port = options.port || (await freePort());
  const controllerPort = options.controllerPort || (await freePort());
  const temporary = !options.dataDir;
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'daemonledger-kafka-'));
  const logDir = path.join(dataDir, 'log');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const config = path.join(dataDir, 'server.properties');
  fs.writeFileSync(config, serverProperties({ port, controllerPort, logDir }));
  const started = Date.now();

  if (!fs.existsSync(path.join(logDir, 'meta.properties'))) {
    const format = spawnSync('java', ['-Xmx256m', `-Dlog4j2.configurationFile=${LOG_CONFIG}`, '-cp', path.join(jars, '*'), 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', config], { encoding: 'utf8' });
    if (format.status !== 0) throw new Error(`kafka: formatting ${logDir} failed:\n${format.stdout}\n${format.stderr}`);
  }

  const child = java(jars, ['kafka.Kafka', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  // A test runner that dies must not leave a JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const recent = [];
  let ready = false;
  let onReady;
  const readySeen = new Promise((resolve) => (onReady = resolve));
  // A logged record starts with "[date] LEVEL"; lines that follow it (a config dump, a stack trace) share its fate.
  let showing = true;
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 60) recent.shift();
      if (!ready && STARTED.test(line)) {
        ready = true;
        onReady();
      }
      if (/^\[\d/.test(line)) showing = options.verbose || /\] (WARN|ERROR|FATAL) /.test(line);
      else if (!/^\s/.test(line)) showing = true; // the JVM's own messages
      if (showing) log(line);
    });
  }
  const timeoutMs = options.timeoutMs || 60_000;
  let timer;
  const outcome = await Promise.race([
    readySeen.then(() => 'ready'),
    exited.then(({ code, signal }) => `exited (code ${code}, signal ${signal})`),
    new Promise((resolve) => (timer = setTimeout(() => resolve(`not ready after ${timeoutMs} ms`), timeoutMs))),
  ]);
  clearTimeout(timer);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  if (outcome !== 'ready') {
    await stop();
    throw new Error(`kafka: the broker ${outcome}; its last lines:\n${recent.join('\n')}`);
  }
  return {
    brokers: [`127.0.0.1:${port}`],
    port,
    controllerPort,
    dataDir,
    pid: child.pid,
    startMs: Date.now() - started,
    /** Kills the JVM (SIGKILL) and removes a temporary data dir. */
    stop,
    exited,
  };
};

module.exports = { startBroker, ensureJars, serverProperties };

if (require.main === module) {
  const port = Number(process.env.KAFKA_PORT || 9092);
  const controllerPort = Number(process.env.KAFKA_CONTROLLER_PORT || 9093);
  const dataDir = path.resolve(process.env.DATA_DIR || 'data', 'kafka');
  startBroker({ port, controllerPort, dataDir, verbose: process.env.KAFKA_LOG === 'info', log: (l) => console.log(l) }).then(
    (b) => {
      console.log(`kafka: broker ready on ${b.brokers[0]} in ${(b.startMs / 1000).toFixed(1)} s (data ${b.dataDir}, pid ${b.pid})`);
      console.log(`export TRANSPORT=kafka KAFKA_BROKERS=${b.brokers[0]}`);
      let stopping = false;
      const stop = () => {
        // The broker shuts down cleanly on SIGTERM; the data stays for the next start.
        stopping = true;
        process.kill(b.pid, 'SIGTERM');
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      b.exited.then(({ code, signal }) => {
        console.log(`kafka: broker stopped (code ${code}, signal ${signal})`);
        process.exit(stopping ? 0 : code || 1);
      });
    },
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
