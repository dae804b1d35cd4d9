/**
 * Records the golden fixtures of the conformance suite from REAL Debezium: `npm run debezium:golden`
 * (optionally `-- mariadb` or `-- postgres`), with the test bed running (`npm run services:up`; honour
 * TSCDC_SERVICES_PORT_OFFSET as every other command does).
 *
 * 1. Fetches Kafka Connect and the Debezium connectors from Maven Central (scripts/debezium-golden/pom.xml, one
 *    profile per directory) into .services/debezium-golden/{connect,plugins/<connector>} once; again when the
 *    POM changes.
 * 2. Per connector: runs the scenario of test/conformance/scenarios.ts (fresh database, setup, connector start,
 *    snapshot, steps, sentinel) against a standalone Connect worker (ConnectStandalone, JsonConverter with
 *    schemas for key and value, file offsets in a temp dir) and captures every record of the `golden` topics
 *    with their headers (test/conformance/capture.ts).
 * 3. Writes test/fixtures/debezium/<kind>/<scenario>.jsonl and test/fixtures/debezium/manifest.json, stops the
 *    JVM, drops the PostgreSQL slot and deletes the topics.
 *
 * Only released jars are run; nothing of Debezium or Kafka is copied into this repository but their output.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../testbed/env.js';
import { testServices, type TestServices } from '../testbed/providers.js';
import {
  closeConformanceKafka, conformanceKafka, connectorConfig, deleteOwnedTopics, dropPgSlot, HostFailure, newRunIds, poll, portableConfig, runScenario, toJsonl,
  type ScenarioHost,
} from '../../test/conformance/capture.js';
import { SCENARIOS, type ConnectorKind } from '../../test/conformance/scenarios.js';

const ROOT = repoRoot();
const POM = join(ROOT, 'scripts', 'debezium-golden', 'pom.xml');
const HOME = join(ROOT, '.services', 'debezium-golden');
const CONNECT_LIBS = join(HOME, 'connect');
const PLUGINS = join(HOME, 'plugins');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'debezium');

const log = (msg: string) => console.error(`[debezium-golden] ${msg}`);

function pomProperty(name: string): string {
  const m = new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]+)</`).exec(readFileSync(POM, 'utf8'));
  if (!m) throw new Error(`${POM} has no <${name}>`);
  return m[1]!.trim();
}

/** `mvn dependency:copy-dependencies` of one profile into `dir` (absolute: Maven resolves relative paths against the POM's dir). */
function fetchProfile(profile: string, dir: string, plugin: boolean): void {
  const hash = createHash('sha256').update(readFileSync(POM)).digest('hex');
  const marker = join(dir, '.pom-sha256');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash) return;
  log(`downloading ${profile} jars from Maven Central into ${dir} ...`);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const args = ['-B', '-q', '-f', POM, '-P', profile, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`];
  // A plugin must not bring its own Connect API or slf4j binding API: the worker's are used. Its kafka-clients stay:
  // Debezium uses classes of the version it was built with (e.g. Sanitizer, gone from 4.4's kafka-clients).
  if (plugin) args.push('-DexcludeArtifactIds=connect-api,slf4j-api');
  const r = spawnSync('mvn', args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(tmp) || readdirSync(tmp).length === 0) {
    throw new Error(`mvn -P ${profile} failed (exit ${r.status}):\n${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-40).join('\n')}`);
  }
  writeFileSync(join(tmp, '.pom-sha256'), `${hash}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

function ensureJars(kinds: ConnectorKind[]): void {
  mkdirSync(PLUGINS, { recursive: true });
  fetchProfile('connect', CONNECT_LIBS, false);
  for (const kind of kinds) fetchProfile(kind, join(PLUGINS, `debezium-connector-${kind}`), true);
  if (process.env.DEBEZIUM_GOLDEN_JDBC === '1') fetchProfile('jdbc', join(PLUGINS, 'debezium-connector-jdbc'), true);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function properties(props: Record<string, string>): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/^\s/, '\\ ');
  return Object.entries(props).map(([k, v]) => `${esc(k).replace(/[=:]/g, '\\$&')}=${esc(v)}`).join('\n') + '\n';
}

/** A standalone Kafka Connect worker running one connector; its log in .services/debezium-golden/<kind>-connect.log. */
class StandaloneConnect implements ScenarioHost {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private url = '';
  private readonly dir = mkdtempSync(join(tmpdir(), 'debezium-golden-'));
  readonly logFile: string;

  constructor(private readonly kind: ConnectorKind, private readonly s: TestServices, private readonly name: string) {
    this.logFile = join(HOME, `${kind}-connect.log`);
  }

  async start(config: Record<string, string>): Promise<void> {
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    const worker = {
      'bootstrap.servers': this.s.kafkaBrokers.join(','),
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'true',
      'value.converter.schemas.enable': 'true',
      'offset.storage.file.filename': join(this.dir, 'offsets.dat'),
      'offset.flush.interval.ms': '1000',
      'plugin.path': PLUGINS, // each subdirectory is one plugin with its own classloader
      'plugin.discovery': 'only_scan',
      listeners: this.url,
    };
    const log4j = [
      'status = warn',
      'appender.file.type = File',
      'appender.file.name = FILE',
      `appender.file.fileName = ${this.logFile}`,
      'appender.file.append = false',
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.file.ref = FILE',
      'logger.reflections.name = org.reflections',
      'logger.reflections.level = ERROR',
      '',
    ].join('\n');
    writeFileSync(join(this.dir, 'worker.properties'), properties(worker));
    writeFileSync(join(this.dir, 'connector.json'), JSON.stringify({ name: this.name, config }, null, 2));
    writeFileSync(join(this.dir, 'log4j2.properties'), log4j);
    const out = createWriteStream(join(HOME, `${this.kind}-connect.out`));
    const child = spawn('java', [
      '-Xms128m', '-Xmx768m', '-Duser.timezone=UTC', '-Dfile.encoding=UTF-8',
      `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
      '-cp', `${CONNECT_LIBS}/*`,
      'org.apache.kafka.connect.cli.ConnectStandalone', join(this.dir, 'worker.properties'), join(this.dir, 'connector.json'),
    ], { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    log(`${this.kind}: Connect worker pid ${child.pid} on ${this.url} (log ${this.logFile})`);
    await poll(async () => {
      if (child.exitCode !== null) throw new HostFailure(`Connect exited with ${child.exitCode}:\n${tailOf(this.logFile)}`);
      const r = await fetch(`${this.url}/connectors/${this.name}/status`).catch(() => undefined);
      if (!r || r.status !== 200) return false;
      const st = (await r.json()) as { connector: { state: string }; tasks: Array<{ state: string }> };
      await this.check();
      return st.connector.state === 'RUNNING' && st.tasks.length === 1 && st.tasks[0]!.state === 'RUNNING';
    }, { timeoutMs: 180_000, intervalMs: 500, message: `${this.kind} connector RUNNING (see ${this.logFile})` });
  }

  async check(): Promise<void> {
    if (this.child && this.child.exitCode !== null) throw new HostFailure(`Connect exited with ${this.child.exitCode}:\n${tailOf(this.logFile)}`);
    const r = await fetch(`${this.url}/connectors/${this.name}/status`).catch(() => undefined);
    if (!r || r.status !== 200) return;
    const st = (await r.json()) as { connector: { state: string; trace?: string }; tasks: Array<{ state: string; trace?: string }> };
    const failed = [st.connector, ...st.tasks].find((x) => x.state === 'FAILED');
    if (failed) throw new HostFailure(`${this.kind}: Debezium connector FAILED (log ${this.logFile}):\n${failed.trace ?? '(no trace)'}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function tailOf(file: string, lines = 60): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function pluginVersion(kind: ConnectorKind): string {
  return pomProperty(`debezium.${kind}.version`);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => a === 'mariadb' || a === 'postgres') as ConnectorKind[];
  const kinds: ConnectorKind[] = wanted.length ? wanted : ['mariadb', 'postgres'];
  ensureJars(kinds);
  const s = await testServices();
  const manifestPath = join(FIXTURES, 'manifest.json');
  const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : { connectors: {} };
  manifest.description = 'Golden records of real Debezium in Kafka Connect (npm run debezium:golden); compared by test/conformance.test.ts';
  manifest.kafkaConnect = pomProperty('kafka.version');
  manifest.converters = { key: 'org.apache.kafka.connect.json.JsonConverter (schemas.enable=true)', value: 'org.apache.kafka.connect.json.JsonConverter (schemas.enable=true)' };
  try {
    for (const kind of kinds) {
      const scenario = SCENARIOS[kind];
      const name = `golden-${kind}`;
      const host = new StandaloneConnect(kind, s, name);
      const ids = newRunIds();
      let records;
      try {
        records = await runScenario(scenario, s, host, ids);
      } finally {
        await host.stop();
        if (kind === 'postgres') await dropPgSlot(s).catch((e: unknown) => log(`dropping the slot: ${String(e)}`));
      }
      const dir = join(FIXTURES, kind);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${scenario.name}.jsonl`), toJsonl(records));
      const server = await serverVersion(kind, s);
      manifest.connectors[kind] = {
        artifact: `io.debezium:debezium-connector-${kind}:${pluginVersion(kind)}`,
        server,
        recorded: new Date().toISOString(),
        scenario: scenario.name,
        fixture: `${kind}/${scenario.name}.jsonl`,
        records: records.length,
        topics: [...new Set(records.map((r) => r.topic))],
        config: portableConfig(connectorConfig(scenario, s, ids)),
      };
      log(`${kind}: wrote ${records.length} records to test/fixtures/debezium/${kind}/${scenario.name}.jsonl`);
      await deleteOwnedTopics(s);
      const k = conformanceKafka(s);
      if (kind === 'mariadb' && (await k.topicExists(ids.historyTopic))) await k.deleteTopics([ids.historyTopic]);
    }
    manifest.date = new Date().toISOString().slice(0, 10);
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  } finally {
    await closeConformanceKafka();
  }
}

async function serverVersion(kind: ConnectorKind, s: TestServices): Promise<string> {
  if (kind === 'mariadb') {
    const mysql = (await import('mysql2/promise')).default;
    const c = await mysql.createConnection({ host: s.mysql.host, port: s.mysql.port, user: s.mysql.user, password: s.mysql.password });
    const [rows] = await c.query('SELECT VERSION() AS v');
    await c.end();
    return `MariaDB ${(rows as Array<{ v: string }>)[0]!.v}`;
  }
  const pg = (await import('pg')).default;
  const c = new pg.Client({ host: s.pg.host, port: s.pg.port, user: s.pg.user, password: s.pg.password || undefined, database: s.pg.database });
  await c.connect();
  const r = await c.query('SHOW server_version');
  await c.end();
  return `PostgreSQL ${r.rows[0].server_version}`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[debezium-golden] ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  },
);
