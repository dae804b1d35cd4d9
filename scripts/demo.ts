/**
 * `npm run demo` — the quick start: local services, a sample `inventory` database in MariaDB and PostgreSQL, a
 * worker, one connector per database registered over REST, the snapshot's progress, then live changes and the
 * change events they produce, read back from Kafka. Ctrl-C stops the worker; the services keep running.
 * Every run starts from scratch: sample data, replication slot and the demo's topics are dropped and recreated.
 * Options: see USAGE in scripts/demo/options.ts (`npm run demo -- --help`).
 */
import { CdcError } from '../src/errors/index.js';
import { createKafkaClient, plaintextConnection, type KafkaClient } from '../src/kafka/index.js';
import { createLogger } from '../src/logging/index.js';
import {
  DemoError, LIVE_CHANGES, TABLE_ROWS, USAGE, applyMariaDbChange, applyPgChange, choosePort, connectorStatus, createMariaDbSample,
  createPgSample, createProgressDisplay, createTopicTail, curlFor, demoNames, failureOf, formatEvent, isDemoTopic, logTail,
  mariaDbConnector, mysqlConnection, parseDemoArgs, pgConnection, postgresConnector, recordCount, registerConnector,
  resolveServices, snapshotView, startDemoWorker, stopStaleWorker, type ChangeEvent, type DemoNames, type DemoOptions,
  type DemoWorker, type ResolvedServices, type TailItem,
} from './demo/index.js';

const out = process.stdout;
const say = (line = '') => out.write(`${line}\n`);
const heading = (title: string) => say(`\n== ${title}`);
const stopping = new AbortController();
const POLL_MS = 500;

/** Waits `ms` unless the demo is being stopped (then resolves at once). */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stopping.signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stopping.signal.addEventListener('abort', done, { once: true });
  });
}

interface Run {
  opts: DemoOptions;
  names: DemoNames;
  services: ResolvedServices;
  kafka: KafkaClient;
  worker?: DemoWorker;
  deadline: number;
}

function checkDeadline(run: Run, waitingFor: string): void {
  if (Date.now() > run.deadline) {
    throw new DemoError('DEMO_TIMEOUT', `Gave up after ${run.opts.timeoutSec} s waiting for ${waitingFor}.`,
      `Look at the worker log (${run.worker?.logFile ?? 'not started'}) and GET /connectors/<name>/status; raise --timeout if the machine is just slow.`);
  }
}

const tableTopics = (names: DemoNames) => ({
  mysql: Object.keys(TABLE_ROWS).map((t) => `${names.mysqlPrefix}.${names.mysqlDatabase}.${t}`),
  pg: Object.keys(TABLE_ROWS).map((t) => `${names.pgPrefix}.${names.pgSchema}.${t}`),
});

async function resetTopics(run: Run): Promise<void> {
  const old = (await run.kafka.listTopics()).filter((t) => isDemoTopic(run.names, t));
  if (old.length === 0) return;
  say(`deleting ${old.length} topic(s) of an earlier demo run`);
  await run.kafka.deleteTopics(old);
  // Deletion is asynchronous; the worker must not find (and reuse) the old offsets or configs.
  while ((await run.kafka.listTopics()).some((t) => old.includes(t))) {
    checkDeadline(run, 'Kafka to delete the old demo topics');
    await pause(200);
  }
}

async function createSampleData(run: Run): Promise<void> {
  const { names, services } = run;
  const mysql = await mysqlConnection(services.env.MYSQL_URL);
  const pgAdmin = await pgConnection(services.env.PG_URL);
  try {
    // Both settle before the connections close, even when one fails.
    const results = await Promise.allSettled([
      createMariaDbSample(mysql, names.mysqlDatabase),
      createPgSample(pgAdmin, services.env.PG_URL, names.pgDatabase, names.pgSchema, names.slot),
    ]);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  } finally {
    await mysql.end().catch(() => undefined);
    await pgAdmin.end().catch(() => undefined);
  }
  const rows = Object.entries(TABLE_ROWS).map(([t, n]) => `${t} (${n.toLocaleString('en-US')})`).join(', ');
  say(`MariaDB:    database ${names.mysqlDatabase}: ${rows}`);
  say(`PostgreSQL: database ${names.pgDatabase}, schema ${names.pgSchema}: the same tables and rows`);
  say(`            (an earlier run's replication slot ${names.slot}, if any, was dropped with its database)`);
}

async function register(run: Run, worker: DemoWorker): Promise<void> {
  for (const request of [mariaDbConnector(run.names, run.services.env), postgresConnector(run.names, run.services.env)]) {
    say(`\n$ ${curlFor(worker.url, request)}`);
    await registerConnector(worker.url, request);
    say(`→ 201 Created: ${request.name}`);
  }
  say(`\n$ curl -s ${worker.url}/connectors/${run.names.mysqlConnector}/status   # state, and the snapshot's progress`);
}

async function failIfFailed(run: Run, worker: DemoWorker, name: string, status: Awaited<ReturnType<typeof connectorStatus>>): Promise<void> {
  const trace = failureOf(status);
  if (trace) {
    throw new DemoError('DEMO_CONNECTOR_FAILED', `Connector ${name} FAILED:\n${trace.split('\n').slice(0, 6).join('\n')}`,
      `See GET ${worker.url}/connectors/${name}/status and the worker log ${worker.logFile}.`);
  }
  if (worker.hasExited()) {
    throw new DemoError('DEMO_WORKER_EXITED', `The worker exited. Last lines of ${worker.logFile}:\n${logTail(worker.logFile)}\n(end of log)`, 'Fix what the log says.');
  }
}

async function showSnapshot(run: Run, worker: DemoWorker): Promise<void> {
  const topics = tableTopics(run.names);
  const expected = Object.values(TABLE_ROWS).reduce((a, b) => a + b, 0);
  const display = createProgressDisplay(out);
  const connectors = [
    { name: run.names.mysqlConnector, topics: topics.mysql },
    { name: run.names.pgConnector, topics: topics.pg },
  ];
  for (;;) {
    const views = await Promise.all(connectors.map(async (c) => {
      const status = await connectorStatus(worker.url, c.name);
      await failIfFailed(run, worker, c.name, status);
      return snapshotView(c.name, status, await recordCount(run.kafka, c.topics), expected);
    }));
    if (views.every((v) => v.done) || stopping.signal.aborted) return display.finish(views);
    display.update(views);
    checkDeadline(run, 'the snapshots to reach Kafka');
    await pause(POLL_MS);
  }
}

function printItems(items: readonly TailItem[], topicWidth: number, what = 'new events'): void {
  const width = out.isTTY ? (out.columns ?? 120) - 1 : Infinity;
  for (const item of items) {
    if (item.kind === 'event') say(formatEvent(item, topicWidth, width));
    else say(`${item.topic.padEnd(topicWidth)}  ${item.count.toLocaleString('en-US')} ${what}, not printed (the demo does not re-read long topics)`);
  }
}

/** The events the scripted changes must produce, as `topic|op|id` (op '-' = tombstone). */
function expectedEvents(names: DemoNames): Set<string> {
  const set = new Set<string>();
  for (const topicPrefix of [`${names.mysqlPrefix}.${names.mysqlDatabase}`, `${names.pgPrefix}.${names.pgSchema}`]) {
    for (const c of LIVE_CHANGES) {
      set.add(`${topicPrefix}.${c.table}|${c.op}|${c.id}`);
      if (c.op === 'd') set.add(`${topicPrefix}.${c.table}|-|${c.id}`);
    }
  }
  return set;
}

const eventId = (e: ChangeEvent) => `${e.topic}|${e.op}|${String((e.key as { id?: unknown } | null)?.id)}`;

async function liveChanges(run: Run, worker: DemoWorker): Promise<void> {
  const { names } = run;
  const all = tableTopics(names);
  const wanted = new Set([...all.mysql, ...all.pg]);
  const topicWidth = Math.max(...[...wanted].map((t) => t.length));
  const tail = createTopicTail(run.kafka, (t) => wanted.has(t) || t.startsWith(`${names.mysqlPrefix}.${names.mysqlDatabase}.`) || t.startsWith(`${names.pgPrefix}.${names.pgSchema}.`));

  heading('snapshot events (op r) in Kafka');
  printItems(await tail.poll(), topicWidth, 'snapshot events');

  heading('live changes');
  const mysql = await mysqlConnection(run.services.env.MYSQL_URL);
  const pgClient = await pgConnection(run.services.env.PG_URL, names.pgDatabase);
  try {
    for (const change of LIVE_CHANGES) {
      say(`MariaDB    ${names.mysqlDatabase}> ${change.sql}`);
      await applyMariaDbChange(mysql, names.mysqlDatabase, change.sql);
      say(`PostgreSQL ${names.pgDatabase}/${names.pgSchema}> ${change.sql}`);
      await applyPgChange(pgClient, names.pgSchema, change.sql);
    }
  } finally {
    await mysql.end().catch(() => undefined);
    await pgClient.end().catch(() => undefined);
  }

  heading(run.opts.exitAfterChanges ? 'change events (exits once all arrived)' : 'change events (make your own changes too; Ctrl-C to stop)');
  const missing = expectedEvents(names);
  let announced = false;
  while (!stopping.signal.aborted) {
    const items = await tail.poll();
    printItems(items, topicWidth);
    for (const item of items) if (item.kind === 'event') missing.delete(eventId(item));
    if (missing.size === 0 && !announced) {
      announced = true;
      say(`-- all ${expectedEvents(names).size} events of the scripted changes arrived (c, u, d and tombstones, both databases)`);
      if (run.opts.exitAfterChanges) return;
    }
    for (const name of [names.mysqlConnector, names.pgConnector]) await failIfFailed(run, worker, name, await connectorStatus(worker.url, name));
    if (missing.size > 0) checkDeadline(run, `the change events ${[...missing].join(', ')}`);
    await pause(POLL_MS);
  }
}

async function runDemo(opts: DemoOptions, run: Run): Promise<void> {
  heading('services');
  run.services = await resolveServices(process.env, say);
  const { env, source } = run.services;
  say(`Kafka ${env.KAFKA_BROKERS}, MariaDB ${hostOf(env.MYSQL_URL)}, PostgreSQL ${hostOf(env.PG_URL)} (from ${source})`);
  run.kafka = createKafkaClient({ connection: plaintextConnection(env.KAFKA_BROKERS.split(',')), clientId: 'tscdc-demo', logger: createLogger({ level: 'silent' }) });

  heading('sample data');
  await stopStaleWorker(run.names, say);
  await resetTopics(run);
  await createSampleData(run);

  if (stopping.signal.aborted) return;
  heading('worker');
  const port = await choosePort(opts.port);
  if (opts.port !== 0 && port !== opts.port) say(`port ${opts.port} is busy; using ${port} instead`);
  const worker = await startDemoWorker(run.names, env.KAFKA_BROKERS, port);
  run.worker = worker;
  say(`worker pid ${worker.pid}: REST API ${worker.url} (healthy), settings ${worker.propsFile}, log ${worker.logFile}`);

  if (stopping.signal.aborted) return;
  heading('connectors');
  await register(run, worker);

  if (stopping.signal.aborted) return;
  heading('snapshot');
  await showSnapshot(run, worker);
  if (!stopping.signal.aborted) await liveChanges(run, worker);
}

const hostOf = (url: string) => new URL(url).host;

/** Our errors with their code and fix; services:up may fail for several services at once (AggregateError). */
function describeError(err: unknown): string {
  if (err instanceof AggregateError) return err.errors.map(describeError).join('\n');
  if (err instanceof CdcError) return err.describe();
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<number> {
  const parsed = parseDemoArgs(process.argv.slice(2), process.env);
  if (parsed === 'help') {
    say(USAGE);
    return 0;
  }
  const names = demoNames(parsed.instance);
  const run = { opts: parsed, names, deadline: parsed.timeoutSec > 0 ? Date.now() + parsed.timeoutSec * 1000 : Infinity } as Run;
  let signals = 0;
  const onSignal = () => {
    if (++signals === 1) {
      say('\nstopping ...');
      stopping.abort();
    } else {
      run.worker?.stop();
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 0;
  try {
    await runDemo(parsed, run);
  } catch (err) {
    code = 1;
    say(`\ndemo FAILED: ${describeError(err)}`);
  } finally {
    if (run.worker) {
      say(`stopping the worker (SIGTERM to pid ${run.worker.pid}) ...`);
      const exit = await run.worker.stop();
      say(`worker stopped (exit code ${exit})`);
    }
    await run.kafka?.close().catch(() => undefined);
  }
  if (run.services?.source === 'environment') say('Kafka, MariaDB and PostgreSQL are yours (KAFKA_BROKERS, MYSQL_URL, PG_URL) and were left running.');
  else if (run.services) say('Kafka, MariaDB and PostgreSQL keep running; stop them with: npm run services:down');
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(`demo: ${describeError(err)}`);
    process.exit(err instanceof DemoError && err.code === 'DEMO_USAGE' ? 2 : 1);
  },
);
