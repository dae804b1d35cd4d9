/**
 * `npm run demo` end to end: the real script (compiled) against the test services, with its own instance
 * suffix (databases, topics, slot, worker group) and a free REST port, so it never touches a user's demo.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  curlFor, decodeEvent, demoNames, dropMariaDbSample, dropPgSample, formatEvent, isDemoTopic, mysqlConnection, parseDemoArgs, pgConnection,
  snapshotView, workerPaths, type DemoNames,
} from '../scripts/demo/index.js';
import { serviceEnv, testServices, uniqueName } from './harness/services.js';
import { closeTestKafka, testKafka } from './harness/worker.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/test → repo root
const DEMO = join(ROOT, 'dist', 'scripts', 'demo.js');

interface DemoRun {
  code: number | null;
  output: string;
}

async function runDemo(args: string[]): Promise<DemoRun> {
  const env = serviceEnv(await testServices());
  const child = spawn(process.execPath, [DEMO, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, output };
}

/** Event lines of the output: `topic  op  key  …`, as [topic, op, key]. */
function eventLines(output: string): Array<[string, string, string]> {
  return output.split('\n').flatMap((line) => {
    const m = /^(\S+)\s+([crudt-])\s+(\{[^}]*\})\s+(?:→|\(tombstone\))/.exec(line);
    return m ? [[m[1]!, m[2]!, m[3]!] as [string, string, string]] : [];
  });
}

const count = (lines: Array<[string, string, string]>, topic: string, op: string, key?: string) =>
  lines.filter(([t, o, k]) => t === topic && o === op && (key === undefined || k === key)).length;

const cleanups: Array<() => Promise<void>> = [];

async function cleanupDemo(names: DemoNames): Promise<void> {
  const env = serviceEnv(await testServices());
  const mysql = await mysqlConnection(env.MYSQL_URL);
  await mysql.query(`DROP DATABASE IF EXISTS \`${names.mysqlDatabase}\``).finally(() => mysql.end());
  const pg = await pgConnection(env.PG_URL);
  await dropPgSample(pg, names.pgDatabase, names.slot).finally(() => pg.end());
  const kafka = await testKafka();
  const topics = (await kafka.listTopics()).filter((t) => isDemoTopic(names, t));
  if (topics.length > 0) await kafka.deleteTopics(topics);
  rmSync(workerPaths(names).dir, { recursive: true, force: true });
}

after(async () => {
  for (const c of cleanups) await c().catch((err: unknown) => console.error('demo test cleanup:', err));
  await closeTestKafka();
});

describe('npm run demo', () => {
  it('snapshots both databases, shows the scripted insert/update/delete events, exits 0 and stops its worker; a re-run starts from scratch', { timeout: 600_000 }, async () => {
    const instance = uniqueName('demo');
    const names = demoNames(instance);
    cleanups.push(() => cleanupDemo(names));
    const args = ['--exit-after-changes', '--instance', instance, '--port', '0', '--timeout', '240'];

    for (const attempt of ['first run', 're-run']) {
      const run = await runDemo(args);
      assert.equal(run.code, 0, `${attempt} exited ${run.code}:\n${run.output}`);
      const lines = eventLines(run.output);
      for (const table of [`${names.mysqlPrefix}.${names.mysqlDatabase}`, `${names.pgPrefix}.${names.pgSchema}`]) {
        const customers = `${table}.customers`;
        // Exactly the 12 sample customers: a re-run that kept the old topics or rows would show more.
        assert.equal(count(lines, customers, 'r'), 12, `${attempt}: snapshot events of ${customers}\n${run.output}`);
        assert.equal(count(lines, `${table}.products`, 'r'), 10, `${attempt}: ${table}.products`);
        assert.equal(count(lines, `${table}.orders`, 'r'), 20, `${attempt}: ${table}.orders`);
        assert.match(run.output, new RegExp(`${table.replace(/\./g, '\\.')}\\.stock_movements\\s+30,000 snapshot events`));
        assert.equal(count(lines, customers, 'c', '{"id":1013}'), 1, `${attempt}: insert event in ${customers}\n${run.output}`);
        assert.equal(count(lines, customers, 'u', '{"id":1001}'), 1, `${attempt}: update event in ${customers}`);
        assert.equal(count(lines, customers, 'd', '{"id":1013}'), 1, `${attempt}: delete event in ${customers}`);
        assert.equal(count(lines, customers, '-', '{"id":1013}'), 1, `${attempt}: tombstone in ${customers}`);
      }
      assert.match(run.output, /maya@lindqvist\.example\.org/, 'the update event carries the new email');
      assert.match(run.output, /curl -s -X POST -H 'Content-Type: application\/json' http:\/\/127\.0\.0\.1:\d+\/connectors -d '\{/);
      assert.match(run.output, /io\.debezium\.connector\.mariadb\.MariaDbConnector/);
      assert.match(run.output, /io\.debezium\.connector\.postgresql\.PostgresConnector/);
      assert.match(run.output, /^snapshot .*100% \(done: 30,042 rows in Kafka\).*100% \(done: 30,042 rows in Kafka\)$/m, 'the last progress line shows both snapshots done');
      assert.match(run.output, /worker stopped \(exit code 0\)/);
      const pid = Number(/worker pid (\d+)/.exec(run.output)?.[1]);
      assert.throws(() => process.kill(pid, 0), 'the worker process is gone');
      if (attempt === 're-run') assert.match(run.output, /deleting \d+ topic\(s\) of an earlier demo run/);
    }
  });

  it('leaves a database it did not create alone and says how to proceed', { timeout: 120_000 }, async () => {
    const instance = uniqueName('demo_foreign');
    const names = demoNames(instance);
    cleanups.push(() => cleanupDemo(names));
    const mysql = await mysqlConnection(serviceEnv(await testServices()).MYSQL_URL);
    try {
      await mysql.query(`CREATE DATABASE \`${names.mysqlDatabase}\``);
      await mysql.query(`CREATE TABLE \`${names.mysqlDatabase}\`.important (id INT PRIMARY KEY)`);
      const run = await runDemo(['--exit-after-changes', '--instance', instance, '--port', '0', '--timeout', '60']);
      assert.equal(run.code, 1, run.output);
      assert.match(run.output, /DEMO_NOT_OURS: MariaDB already has a database `[^`]+` that the demo did not create; it is left alone\. Fix: /);
      const [rows] = await mysql.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = ?`, [names.mysqlDatabase]);
      assert.deepEqual((rows as Array<Record<string, string>>).map((r) => Object.values(r)[0]), ['important']);
      await dropMariaDbSample(mysql, `${names.mysqlDatabase}_absent`); // a missing database is fine
    } finally {
      await mysql.end();
    }
  });
});

describe('demo output helpers', () => {
  it('formats events, deletes and tombstones as one line each', () => {
    const key = Buffer.from(JSON.stringify({ schema: { type: 'struct' }, payload: { id: 7 } }));
    const value = Buffer.from(JSON.stringify({ schema: {}, payload: { op: 'u', before: null, after: { id: 7, name: 'x' } } }));
    assert.equal(formatEvent(decodeEvent('db.t', key, value), 6), 'db.t    u  {"id":7}  → {"id":7,"name":"x"}');
    assert.equal(formatEvent(decodeEvent('db.t', key, Buffer.from('{"op":"d","after":null}'))), 'db.t  d  {"id":7}  → null');
    assert.equal(formatEvent(decodeEvent('db.t', key, null)), 'db.t  -  {"id":7}  (tombstone)');
  });

  it('shows snapshot progress from the task status, and from Kafka when a connector reports none', () => {
    const status = (progress?: Record<string, unknown>) => ({ name: 'c', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING', progress }] });
    const withProgress = snapshotView('c', status({ phase: 'snapshot', rowsDone: 500, rowsEstimated: 1000, tablesDone: 1, tablesTotal: 4 }), 100, 1000);
    assert.equal(withProgress.fraction, 0.5);
    assert.match(withProgress.detail, /500 \/ ~1,000 rows read · 100 in Kafka · 1\/4 tables/);
    const without = snapshotView('c', status(), 250, 1000);
    assert.equal(without.fraction, 0.25);
    assert.equal(snapshotView('c', status({ phase: 'snapshot', rowsDone: 5000, rowsEstimated: 1000 }), 999, 1000).fraction, 0.99, 'never 100% before Kafka has every row');
    assert.equal(snapshotView('c', status(), 1000, 1000).done, true);
    assert.equal(snapshotView('c', { ...status(), connector: { state: 'FAILED' } }, 0, 1000).failed, true);
  });

  it('prints the registration as curl without the password', () => {
    const curl = curlFor('http://127.0.0.1:8083', { name: 'c', config: { 'database.user': 'u', 'database.password': 's3cr3t-pw', 'topic.prefix': "it's" } });
    assert.doesNotMatch(curl, /s3cr3t-pw/);
    assert.match(curl, /"database\.password": "<password>"/);
    assert.match(curl, /"topic\.prefix": "it'\\''s"/, 'single quotes survive the shell quoting');
  });

  it('rejects bad arguments with a usage hint', () => {
    assert.throws(() => parseDemoArgs(['--port', 'x']), /--port must be a whole number/);
    assert.throws(() => parseDemoArgs(['--instance', 'Bad-Name']), /--instance must be/);
    assert.throws(() => parseDemoArgs(['--frobnicate']), /unknown argument/);
    assert.deepEqual(parseDemoArgs(['--exit-after-changes', '--port=0']), { instance: '', port: 0, exitAfterChanges: true, timeoutSec: 300 });
  });
});
