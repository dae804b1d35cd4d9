/**
 * `npm run debezium:jdbc-roundtrip [-- mariadb|postgres] [-- --from-capture] [-- --keep]`: does a consumer that
 * handles Debezium's events handle ours? Both sides' records of the conformance scenarios go through a REAL
 * Debezium JDBC sink (io.debezium:debezium-connector-jdbc, scripts/debezium-golden/pom.xml profile `jdbc`) on
 * Kafka Connect 4.4.0 standalone into PostgreSQL, and the target tables are compared.
 *
 * 1. Debezium's records: the golden fixtures (test/fixtures/debezium/<kind>/wide.jsonl), produced again into
 *    `dbz.<topic>` (key and value re-serialised as the JsonConverter JSON they were, int64s exact; headers too).
 *    The schema change topic (`golden`) and `golden.transaction` are skipped: the sink takes data topics only.
 * 2. Ours: the same scenario run against our in-process worker (test/conformance/run.ts captureOurs, which saves
 *    .services/conformance/<kind>-wide.jsonl and deletes its topics), produced the same way into `ours.<topic>`.
 *    `--from-capture` reuses the last capture file instead of running the scenario.
 * 3. One standalone Connect worker with one JdbcSinkConnector per topic and side (so a failure on one table does
 *    not stop the others): `dbz.*` into database rt_dbz, `ours.*` into rt_ours, each topic renamed by Connect's
 *    RegexRouter to `<kind>_<table>` so that both databases get the same table names. Keyed tables: upsert,
 *    primary.key.mode record_key, delete.enabled; the keyless `nokey`: insert, primary.key.mode none (updates
 *    become new rows, deletes are not applied — the same on both sides).
 * 4. Waits until every task is RUNNING or FAILED and the target databases have not changed for 15 s, then
 *    compares rt_dbz and rt_ours table by table: columns (information_schema.columns: position, data_type,
 *    udt_name, lengths, precision, nullability, default), primary keys, and the rows as PostgreSQL's text output
 *    (matched by primary key; keyless tables as sorted lists). Prints every difference and each failed task.
 *
 * Only released jars are run. The worker's log: .services/debezium-golden/jdbc-connect.log.
 * Exit code 0 even with differences (a report), 1 when the run itself failed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot } from '../testbed/env.js';
import { testServices, type TestServices } from '../testbed/providers.js';
import { closeConformanceKafka, conformanceKafka, fromJsonl, stringifyJsonExact, type CapturedRecord } from '../../test/conformance/capture.js';
import { captureOurs, loadGolden } from '../../test/conformance/run.js';
import { SCENARIOS, TOPIC_PREFIX, type ConnectorKind } from '../../test/conformance/scenarios.js';
import { closeTestKafka } from '../../test/harness/worker.js';

const ROOT = repoRoot();
const POM = join(ROOT, 'scripts', 'debezium-golden', 'pom.xml');
const HOME = join(ROOT, '.services', 'debezium-golden');
const CONNECT_LIBS = join(HOME, 'connect');
const JDBC_PLUGINS = join(HOME, 'jdbc-plugins'); // plugin.path holding only the JDBC sink
const JDBC_DIR = join(JDBC_PLUGINS, 'debezium-connector-jdbc');
const LOG_FILE = join(HOME, 'jdbc-connect.log');
const SIDES = [{ side: 'dbz', db: 'rt_dbz' }, { side: 'ours', db: 'rt_ours' }] as const;
type Side = (typeof SIDES)[number]['side'];

const log = (msg: string) => console.error(`[jdbc-roundtrip] ${msg}`);

// ---------------------------------------------------------------------------------------------------------------
// Jars

/**
 * `mvn dependency:copy-dependencies` of one profile into `dir`. `exclude`: artifact ids left out. The sink's own
 * Jackson is left out too: the worker's classpath (connect-runtime) has jackson-module-blackbird, whose
 * META-INF/services entry the plugin's classloader also sees, so with a second jackson-databind in the plugin the
 * task's ObjectMapper.findAndRegisterModules() fails ("BlackbirdModule not a subtype"); with the worker's
 * jackson-databind (2.21.7; the sink names 2.21.2) both agree.
 */
function fetchProfile(profile: string, dir: string, exclude: string[]): void {
  const hash = createHash('sha256').update(readFileSync(POM)).update(exclude.join(',')).digest('hex');
  const marker = join(dir, '.pom-sha256');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash) return;
  log(`downloading ${profile} jars from Maven Central into ${dir} ...`);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const args = ['-B', '-q', '-f', POM, '-P', profile, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`];
  if (exclude.length) args.push(`-DexcludeArtifactIds=${exclude.join(',')}`);
  const r = spawnSync('mvn', args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(tmp) || readdirSync(tmp).length === 0) {
    throw new Error(`mvn -P ${profile} failed (exit ${r.status}):\n${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-40).join('\n')}`);
  }
  writeFileSync(join(tmp, '.pom-sha256'), `${hash}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

// ---------------------------------------------------------------------------------------------------------------
// Topics

function dataTopic(topic: string): boolean {
  return topic !== TOPIC_PREFIX && topic !== `${TOPIC_PREFIX}.transaction` && topic.startsWith(`${TOPIC_PREFIX}.`);
}

/** `golden.conformance.wide` → `mariadb_wide`, `golden.public.wide` → `postgres_wide`: the target table. */
function tableOf(kind: ConnectorKind, topic: string): string {
  return `${kind}_${topic.split('.').pop()}`;
}

/**
 * Columns the JDBC sink cannot write whatever the producer (it fails on Debezium's records as on ours, and a
 * failed sink task stops the whole table): left out of both sides' records of that table (schema field and value,
 * in `before` and `after`), so that the rest of the table is compared. `--all-columns` keeps them.
 */
const SINK_LIMITS: Record<string, Record<string, string>> = {
  mariadb_wide: {
    dec_big: 'DECIMAL(65,30): the sink creates numeric(38,30) (precision capped at 38), so 10^8 or more is "numeric field overflow"',
    tm3: 'TIME(3) -838:59:59 / 838:59:59.999 (io.debezium.time.MicroTime outside a day): DateTimeException "Invalid value for NanoOfDay"',
    tm6: 'TIME(6) -00:00:01.000001 (negative MicroTime): DateTimeException "Invalid value for NanoOfDay"',
    pt: 'POINT (io.debezium.data.geometry.Geometry): the sink writes public.ST_GeomFromWKB(...), which needs PostGIS (not on the test bed)',
  },
  postgres_wide: {
    pt: 'point (io.debezium.data.geometry.Point): the sink writes public.ST_GeomFromWKB(...), which needs PostGIS (not on the test bed)',
  },
};
let dropColumns = true;

/** Differences already in test/conformance/known-differences.ts (the records differ there by design): table.column → why. */
const KNOWN: Record<string, string> = {
  'mariadb_wide.f': "known difference (test/conformance/known-differences.ts): Debezium's MariaDB snapshot gives FLOAT as its 6-digit text, its stream and ours the exact single",
};

function stripColumns(kind: ConnectorKind, r: CapturedRecord): CapturedRecord {
  const drop = dropColumns ? SINK_LIMITS[tableOf(kind, r.topic)] : undefined;
  if (!drop || !r.value) return r;
  const v = structuredClone(r.value) as { schema?: { fields?: Array<{ field: string; fields?: Array<{ field: string }> }> }; payload?: Record<string, unknown> };
  for (const f of v.schema?.fields ?? []) {
    if ((f.field === 'before' || f.field === 'after') && f.fields) f.fields = f.fields.filter((x) => !(x.field in drop));
  }
  for (const part of ['before', 'after']) {
    const img = v.payload?.[part] as Record<string, unknown> | null | undefined;
    if (img) for (const c of Object.keys(drop)) delete img[c];
  }
  return { ...r, value: v };
}

function kindOf(topic: string): ConnectorKind {
  return (Object.keys(SCENARIOS) as ConnectorKind[]).find((k) => SCENARIOS[k].snapshotRows[topic] !== undefined)!;
}

async function produce(s: TestServices, side: Side, records: CapturedRecord[]): Promise<Map<string, number>> {
  const k = conformanceKafka(s);
  const counts = new Map<string, number>();
  const existing = new Set(await k.listTopics());
  const topics = [...new Set(records.filter((r) => dataTopic(r.topic)).map((r) => `${side}.${r.topic}`))];
  const stale = topics.filter((t) => existing.has(t));
  if (stale.length) {
    await k.deleteTopics(stale);
    for (let i = 0; i < 120 && (await k.listTopics()).some((t) => stale.includes(t)); i++) await new Promise((r) => setTimeout(r, 500));
  }
  for (const t of topics) await k.ensureTopic(t, { partitions: 1, replicationFactor: -1 });
  const producer = k.createProducer({});
  try {
    const messages = records.filter((r) => dataTopic(r.topic)).map((r) => stripColumns(kindOf(r.topic), r)).map((r) => {
      const headers: Record<string, Buffer> = {};
      for (const [hk, hv] of Object.entries(r.headers ?? {})) {
        if (hv === null || hv === undefined) continue;
        headers[hk] = Buffer.from(typeof hv === 'string' ? hv : stringifyJsonExact(hv), 'utf8');
      }
      const topic = `${side}.${r.topic}`;
      counts.set(topic, (counts.get(topic) ?? 0) + 1);
      return {
        topic,
        partition: 0,
        key: r.key === null || r.key === undefined ? null : Buffer.from(stringifyJsonExact(r.key), 'utf8'),
        value: (r.value === null || r.value === undefined ? null : Buffer.from(stringifyJsonExact(r.value), 'utf8')) as never,
        headers,
      };
    });
    await producer.send(messages);
  } finally {
    await producer.disconnect();
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------------------------
// Connect

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

interface SinkSpec {
  name: string;
  side: Side;
  kind: ConnectorKind;
  topic: string;
  table: string;
  config: Record<string, string>;
}

function sinkSpec(s: TestServices, side: Side, db: string, kind: ConnectorKind, topic: string, run: string): SinkSpec {
  const table = tableOf(kind, topic);
  const keyless = topic.endsWith('.nokey');
  const config: Record<string, string> = {
    'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
    'tasks.max': '1',
    topics: `${side}.${topic}`,
    'connection.url': `jdbc:postgresql://${s.pg.host}:${s.pg.port}/${db}`,
    'connection.username': s.pg.user,
    'connection.pool.min_size': '1',
    'connection.pool.max_size': '2',
    'insert.mode': keyless ? 'insert' : 'upsert',
    'delete.enabled': keyless ? 'false' : 'true',
    'primary.key.mode': keyless ? 'none' : 'record_key',
    'schema.evolution': 'basic',
    'use.time.zone': 'UTC',
    'collection.name.format': '${topic}',
    transforms: 'route',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': '.*',
    'transforms.route.replacement': table,
  };
  if (s.pg.password) config['connection.password'] = s.pg.password;
  return { name: `rt-${side}-${table.replace(/_/g, '-')}-${run}`, side, kind, topic, table, config };
}

class Worker {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  url = '';
  private readonly dir = mkdtempSync(join(tmpdir(), 'jdbc-roundtrip-'));

  constructor(private readonly s: TestServices) {}

  async start(sinks: SinkSpec[]): Promise<void> {
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
      'plugin.path': JDBC_PLUGINS,
      'plugin.discovery': 'only_scan',
      listeners: this.url,
    };
    const log4j = [
      'status = warn',
      'appender.file.type = File',
      'appender.file.name = FILE',
      `appender.file.fileName = ${LOG_FILE}`,
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
    writeFileSync(join(this.dir, 'log4j2.properties'), log4j);
    const files = sinks.map((k, i) => {
      const f = join(this.dir, `sink-${i}.json`);
      writeFileSync(f, JSON.stringify({ name: k.name, config: k.config }, null, 2));
      return f;
    });
    const out = createWriteStream(join(HOME, 'jdbc-connect.out'));
    const child = spawn('java', [
      '-Xms128m', '-Xmx1g', '-Duser.timezone=UTC', '-Dfile.encoding=UTF-8',
      `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
      '-cp', `${CONNECT_LIBS}/*`,
      'org.apache.kafka.connect.cli.ConnectStandalone', join(this.dir, 'worker.properties'), ...files,
    ], { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    log(`Connect worker pid ${child.pid} on ${this.url} with ${sinks.length} JDBC sink connectors (log ${LOG_FILE})`);
  }

  alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** name → state of its task (or the connector's when it has no task yet) and the first line of a trace. */
  async states(names: string[]): Promise<Map<string, { state: string; trace?: string }>> {
    const out = new Map<string, { state: string; trace?: string }>();
    for (const n of names) {
      const r = await fetch(`${this.url}/connectors/${n}/status`).catch(() => undefined);
      if (!r || r.status !== 200) {
        out.set(n, { state: 'UNKNOWN' });
        continue;
      }
      const st = (await r.json()) as { connector: { state: string; trace?: string }; tasks: Array<{ state: string; trace?: string }> };
      const failed = [st.connector, ...st.tasks].find((x) => x.state === 'FAILED');
      if (failed) out.set(n, { state: 'FAILED', trace: failed.trace });
      else out.set(n, { state: st.tasks[0]?.state ?? `connector ${st.connector.state}` });
    }
    return out;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL targets

async function pgClient(s: TestServices, database: string): Promise<pg.Client> {
  const c = new pg.Client({
    host: s.pg.host, port: s.pg.port, user: s.pg.user, password: s.pg.password || undefined, database,
    // Every value as PostgreSQL's own text output.
    types: { getTypeParser: () => (v: string) => v } as never,
  });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

async function recreateDatabases(s: TestServices): Promise<void> {
  const admin = await pgClient(s, s.pg.database);
  try {
    for (const { db } of SIDES) {
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${db}`);
    }
  } finally {
    await admin.end();
  }
}

interface Column {
  name: string;
  position: number;
  type: string;
  nullable: string;
  default: string | null;
}

interface TableDump {
  columns: Column[];
  pk: string[];
  rows: string[][];
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

async function dumpDatabase(s: TestServices, db: string): Promise<Map<string, TableDump>> {
  const c = await pgClient(s, db);
  try {
    const tables = (await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)).rows.map((r) => r.table_name as string);
    const out = new Map<string, TableDump>();
    for (const t of tables) {
      const cols = (await c.query(
        `SELECT column_name, ordinal_position, data_type, udt_name, character_maximum_length, numeric_precision, numeric_scale, datetime_precision, is_nullable, column_default
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, [t])).rows;
      const columns: Column[] = cols.map((r) => ({
        name: r.column_name,
        position: Number(r.ordinal_position),
        type: [
          r.data_type === 'USER-DEFINED' || r.data_type === 'ARRAY' ? `${r.data_type}:${r.udt_name}` : r.data_type,
          r.character_maximum_length !== null ? `len ${r.character_maximum_length}` : '',
          r.data_type === 'numeric' && r.numeric_precision !== null ? `(${r.numeric_precision},${r.numeric_scale})` : '',
          r.datetime_precision !== null && /time|interval/.test(r.data_type) ? `p${r.datetime_precision}` : '',
        ].filter(Boolean).join(' '),
        nullable: r.is_nullable,
        default: r.column_default,
      }));
      const pk = (await c.query(
        `SELECT k.column_name FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name
          WHERE tc.table_schema = 'public' AND tc.table_name = $1 AND tc.constraint_type = 'PRIMARY KEY' ORDER BY k.ordinal_position`, [t])).rows.map((r) => r.column_name as string);
      const order = (pk.length ? pk : columns.map((x) => x.name)).map((n) => `${q(n)}::text`).join(', ');
      const rows = (await c.query({ text: `SELECT ${columns.map((x) => q(x.name)).join(', ')} FROM ${q(t)} ORDER BY ${order}`, rowMode: 'array' })).rows as string[][];
      out.set(t, { columns, pk, rows });
    }
    return out;
  } finally {
    await c.end();
  }
}

/** A fingerprint of both databases: changes while the sinks are still writing. */
async function fingerprint(s: TestServices): Promise<string> {
  const parts: string[] = [];
  for (const { db } of SIDES) {
    const d = await dumpDatabase(s, db);
    parts.push(db, JSON.stringify([...d]));
  }
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing

interface TableResult {
  table: string;
  identical: boolean;
  lines: string[];
  /** Every difference is one of KNOWN. */
  onlyKnown?: boolean;
}

function show(v: string | null | undefined): string {
  return v === null ? 'NULL' : v === undefined ? '(absent)' : JSON.stringify(v);
}

function compareTable(table: string, a: TableDump | undefined, b: TableDump | undefined): TableResult {
  const lines: string[] = [];
  if (!a || !b) {
    lines.push(!a ? 'missing in rt_dbz (only in rt_ours)' : 'missing in rt_ours (only in rt_dbz)');
    return { table, identical: false, lines };
  }
  const names = [...new Set([...a.columns.map((c) => c.name), ...b.columns.map((c) => c.name)])];
  for (const n of names) {
    const ca = a.columns.find((c) => c.name === n);
    const cb = b.columns.find((c) => c.name === n);
    if (!ca || !cb) {
      lines.push(`column ${n}: ${ca ? 'only in rt_dbz' : 'only in rt_ours'} (${(ca ?? cb)!.type})`);
      continue;
    }
    for (const f of ['position', 'type', 'nullable', 'default'] as const) {
      if (ca[f] !== cb[f]) lines.push(`column ${n}.${f}: dbz ${show(String(ca[f] ?? 'NULL'))} ours ${show(String(cb[f] ?? 'NULL'))}`);
    }
  }
  if (a.pk.join(',') !== b.pk.join(',')) lines.push(`primary key: dbz (${a.pk.join(', ')}) ours (${b.pk.join(', ')})`);
  if (a.rows.length !== b.rows.length) lines.push(`row count: dbz ${a.rows.length} ours ${b.rows.length}`);
  // Rows by primary key (or, keyless, by position in the sorted lists), cells by column name.
  const keyOf = (d: TableDump, row: string[], i: number) =>
    d.pk.length ? JSON.stringify(d.pk.map((p) => row[d.columns.findIndex((c) => c.name === p)])) : `#${i}`;
  const mapA = new Map(a.rows.map((r, i) => [keyOf(a, r, i), r]));
  const mapB = new Map(b.rows.map((r, i) => [keyOf(b, r, i), r]));
  for (const key of [...new Set([...mapA.keys(), ...mapB.keys()])]) {
    const ra = mapA.get(key);
    const rb = mapB.get(key);
    if (!ra || !rb) {
      lines.push(`row ${key}: ${ra ? 'only in rt_dbz' : 'only in rt_ours'}`);
      continue;
    }
    for (const n of names) {
      const ia = a.columns.findIndex((c) => c.name === n);
      const ib = b.columns.findIndex((c) => c.name === n);
      const va = ia >= 0 ? ra[ia] : undefined;
      const vb = ib >= 0 ? rb[ib] : undefined;
      if (ia >= 0 && ib >= 0 && va !== vb) {
        const known = KNOWN[`${table}.${n}`];
        lines.push(`row ${key} ${n}: dbz ${show(va)} ours ${show(vb)}${known ? `  [${known}]` : ''}`);
      }
    }
  }
  return { table, identical: lines.length === 0, lines, onlyKnown: lines.length > 0 && lines.every((l) => l.includes('[known difference')) };
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const wanted = args.filter((a) => a === 'mariadb' || a === 'postgres') as ConnectorKind[];
  const kinds: ConnectorKind[] = wanted.length ? wanted : ['mariadb', 'postgres'];
  const fromCapture = args.includes('--from-capture');
  const keep = args.includes('--keep');
  dropColumns = !args.includes('--all-columns');

  mkdirSync(JDBC_PLUGINS, { recursive: true });
  fetchProfile('connect', CONNECT_LIBS, []);
  fetchProfile('jdbc', JDBC_DIR, ['connect-api', 'slf4j-api', 'jackson-core', 'jackson-databind', 'jackson-annotations']);
  const s = await testServices();

  // Records of both sides.
  const bySide = new Map<Side, CapturedRecord[]>([['dbz', []], ['ours', []]]);
  for (const kind of kinds) {
    bySide.get('dbz')!.push(...loadGolden(kind));
    const file = join(ROOT, '.services', 'conformance', `${kind}-${SCENARIOS[kind].name}.jsonl`);
    if (fromCapture) {
      if (!existsSync(file)) throw new Error(`${file} does not exist: run without --from-capture first`);
      log(`${kind}: our records from ${file}`);
      bySide.get('ours')!.push(...fromJsonl(readFileSync(file, 'utf8')));
    } else {
      log(`${kind}: running the scenario against our worker`);
      bySide.get('ours')!.push(...(await captureOurs(kind, s)));
    }
  }

  if (dropColumns) {
    for (const [t, cols] of Object.entries(SINK_LIMITS)) {
      for (const [c, why] of Object.entries(cols)) log(`left out of both sides (sink limit): ${t}.${c}: ${why}`);
    }
  }
  await recreateDatabases(s);
  const run = Date.now().toString(36);
  const sinks: SinkSpec[] = [];
  for (const { side, db } of SIDES) {
    const counts = await produce(s, side, bySide.get(side)!);
    log(`${side}: produced ${[...counts].map(([t, n]) => `${t} ${n}`).join(', ')}`);
    for (const kind of kinds) {
      const topics = [...new Set(bySide.get(side)!.map((r) => r.topic).filter((t) => dataTopic(t) && SCENARIOS[kind].snapshotRows[t] !== undefined))];
      for (const t of topics) sinks.push(sinkSpec(s, side, db, kind, t, run));
    }
  }

  const worker = new Worker(s);
  let exitCode = 0;
  try {
    await worker.start(sinks);
    const names = sinks.map((k) => k.name);
    // Settled: every task RUNNING or FAILED, and both databases unchanged for 15 s.
    const deadline = Date.now() + 300_000;
    let last = '';
    let since = Date.now();
    let states = new Map<string, { state: string; trace?: string }>();
    for (;;) {
      if (!worker.alive()) throw new Error(`the Connect worker exited; see ${LOG_FILE}`);
      states = await worker.states(names);
      const settled = [...states.values()].every((x) => x.state === 'RUNNING' || x.state === 'FAILED');
      const fp = settled ? await fingerprint(s) : '';
      if (!settled || fp !== last) {
        last = fp;
        since = Date.now();
      } else if (Date.now() - since >= 15_000) break;
      if (Date.now() > deadline) throw new Error(`sinks not settled after 300 s: ${[...states].map(([n, x]) => `${n} ${x.state}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 1000));
    }

    console.log('== JDBC sink tasks');
    for (const k of sinks) {
      const st = states.get(k.name)!;
      console.log(`${k.side.padEnd(4)} ${k.topic.padEnd(26)} -> ${(k.side === 'dbz' ? 'rt_dbz' : 'rt_ours')}.${k.table}: ${st.state}`);
      if (st.trace) console.log(`     ${st.trace.split('\n').filter((l) => /Exception|Error|Caused by/.test(l)).slice(0, 4).map((l) => (l.length > 400 ? `${l.slice(0, 200)} ... ${l.slice(-200)}` : l)).join('\n     ')}`);
    }

    const dumps = await Promise.all(SIDES.map(({ db }) => dumpDatabase(s, db)));
    const [dbz, ours] = dumps as [Map<string, TableDump>, Map<string, TableDump>];
    const tables = [...new Set([...dbz.keys(), ...ours.keys()])].sort();
    const results = tables.map((t) => compareTable(t, dbz.get(t), ours.get(t)));
    console.log('\n== target tables (rt_dbz = Debezium\'s records, rt_ours = ours)');
    for (const r of results) {
      const d = dbz.get(r.table);
      const failedOn = SIDES.filter(({ side }) => sinks.some((k) => k.side === side && k.table === r.table && states.get(k.name)!.state === 'FAILED')).map((x) => x.side);
      const note = failedOn.length ? ` (sink task FAILED on ${failedOn.join(' and ')}: the table holds what was written before)` : '';
      console.log(`${r.identical ? 'IDENTICAL' : 'DIFFERENT'} ${r.table}: ${d ? `${d.columns.length} columns, ${d.rows.length} rows` : '-'}${r.identical ? '' : `, ${r.lines.length} difference(s)`}${note}`);
      for (const l of r.lines) console.log(`    ${l}`);
    }
    const expected = new Set(sinks.map((k) => k.table));
    const notWritten = [...expected].filter((t) => !tables.includes(t));
    if (notWritten.length) console.log(`not created on either side: ${notWritten.join(', ')}`);
    const failed = sinks.filter((k) => states.get(k.name)!.state === 'FAILED');
    console.log(`\nsummary: ${results.filter((r) => r.identical).length} identical, ${results.filter((r) => !r.identical).length} different ` +
      `(${results.filter((r) => r.onlyKnown).length} of them only by known differences), ` +
      `${notWritten.length} not created; failed tasks: dbz ${failed.filter((k) => k.side === 'dbz').length}, ours ${failed.filter((k) => k.side === 'ours').length} (of ${sinks.length / 2} each)`);
  } catch (e) {
    exitCode = 1;
    throw e;
  } finally {
    await worker.stop();
    if (!keep && exitCode === 0) {
      const k = conformanceKafka(s);
      const topics = (await k.listTopics()).filter((t) => t.startsWith('dbz.') || t.startsWith('ours.'));
      if (topics.length) await k.deleteTopics(topics).catch(() => undefined);
    }
  }
}

main().then(
  async () => {
    await closeConformanceKafka();
    await closeTestKafka();
    process.exit(0);
  },
  async (err: unknown) => {
    console.error(`[jdbc-roundtrip] ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    await closeConformanceKafka().catch(() => undefined);
    process.exit(1);
  },
);
