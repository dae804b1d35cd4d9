/**
 * Standalone mode (`tscdc standalone worker.properties connector files...`) as a real process against the real Kafka,
 * MariaDB and PostgreSQL: a MariaDB connector from a .properties file and a PostgreSQL one from a JSON file snapshot
 * and stream; the process is killed (SIGKILL) while both stream and restarted with the same files, and resumes from
 * the offsets file (no second snapshot; latest event per key equals each table); the offsets API reads and resets
 * the file; a torn offsets file stops the process with an error naming the file, and is left as it was; so does a
 * connector file whose connector is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { testKafka } from '../scripts/testbed/worker.js';
import { testServices, uniqueName, waitFor } from './harness/services.js';
import { spawnStandalone, startStandalone } from './harness/standalone.js';
import { api, closeTestKafka, isRunning, waitForStatus } from './harness/worker.js';
import {
  adminConnection, decodedTopic as decodedMysqlTopic, diffStates, materialise as materialiseMysql, mysqlConnectorConfig, tableState as mysqlTableState,
} from './mysql-helpers.js';
import { decodedTopic as decodedPgTopic, materialise as materialisePg, pgConnectorConfig, scratchDatabase, tableState as pgTableState, type ScratchDb } from './pg-helpers.js';

const ROWS = 200;

describe('standalone mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tscdc-standalone-'));
  const offsetsFile = join(dir, 'offsets.json');
  const cleanups: Array<() => Promise<void>> = [];
  let conn: mysql.Connection;
  let pgDb: ScratchDb;
  let mysqlDb: string;
  const prefix = uniqueName('sa');
  const mysqlName = `${prefix}-mysql`;
  const pgName = `${prefix}-pg`;
  let files: string[];
  let mysqlTopic: string;
  let pgTopic: string;

  const mysqlConverged = async () => diffStates(await mysqlTableState(conn, mysqlDb, 'items', ['id']), await materialiseMysql(mysqlTopic), 5);
  const pgConverged = async () => diffStates(await pgTableState(pgDb.client, 'SELECT id, v FROM items', ['id']), await materialisePg(pgTopic), 5);
  async function waitConverged(what: string): Promise<void> {
    let last: string[] = [];
    await waitFor(async () => {
      last = [...(await mysqlConverged()).map((d) => `mysql ${d}`), ...(await pgConverged()).map((d) => `pg ${d}`)];
      return last.length === 0;
    }, { timeoutMs: 120_000, intervalMs: 1000, message: `${what}: topics to equal the tables` }).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; differences: ${last.join('; ')}`);
    });
  }

  let seq = 0;
  /** A few inserts, updates and deletes in both databases. */
  async function change(): Promise<void> {
    const n = ++seq;
    await conn.query(`INSERT INTO \`${mysqlDb}\`.items VALUES (?, ?)`, [ROWS + n, `new${n}`]);
    await conn.query(`UPDATE \`${mysqlDb}\`.items SET v = ? WHERE id = ?`, [`upd${n}`, 1 + (n % ROWS)]);
    await conn.query(`DELETE FROM \`${mysqlDb}\`.items WHERE id = ?`, [1 + ((n * 7) % ROWS)]);
    await pgDb.client.query('INSERT INTO items VALUES ($1, $2)', [ROWS + n, `new${n}`]);
    await pgDb.client.query('UPDATE items SET v = $1 WHERE id = $2', [`upd${n}`, 1 + (n % ROWS)]);
    await pgDb.client.query('DELETE FROM items WHERE id = $1', [1 + ((n * 7) % ROWS)]);
  }

  const fileOffsets = () => JSON.parse(readFileSync(offsetsFile, 'utf8')) as { format: string; offsets: Array<{ key: [string, unknown]; value: Record<string, unknown> }> };
  const snapshotReads = async () => ({
    mysql: (await decodedMysqlTopic(mysqlTopic)).filter((d) => d.value?.op === 'r').length,
    pg: (await decodedPgTopic(pgTopic)).filter((d) => d.value?.op === 'r').length,
  });

  before(async () => {
    const services = await testServices();
    conn = await adminConnection();
    mysqlDb = uniqueName('sa_db');
    await conn.query(`CREATE DATABASE \`${mysqlDb}\``);
    cleanups.push(async () => {
      await conn.query(`DROP DATABASE IF EXISTS \`${mysqlDb}\``);
      await conn.end();
    });
    await conn.query(`CREATE TABLE \`${mysqlDb}\`.items (id INT PRIMARY KEY, v VARCHAR(40))`);
    await conn.query(`INSERT INTO \`${mysqlDb}\`.items VALUES ?`, [Array.from({ length: ROWS }, (_, i) => [i + 1, `v${i + 1}`])]);
    pgDb = await scratchDatabase('sa_pg');
    cleanups.push(() => pgDb.drop());
    await pgDb.client.query('CREATE TABLE items (id INT PRIMARY KEY, v TEXT)');
    await pgDb.client.query(`INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, ${ROWS}) g`);

    const mysqlPrefix = `${prefix}_m`;
    const pgPrefix = `${prefix}_p`;
    mysqlTopic = `${mysqlPrefix}.${mysqlDb}.items`;
    pgTopic = `${pgPrefix}.public.items`;
    cleanups.push(async () => {
      const kafka = await testKafka();
      const existing = new Set(await kafka.listTopics());
      const topics = [mysqlTopic, pgTopic, mysqlPrefix, pgPrefix].filter((t) => existing.has(t));
      if (topics.length > 0) await kafka.deleteTopics(topics);
    });
    const slot = uniqueName('sa_slot').replace(/-/g, '_');
    const workerFile = join(dir, 'worker.properties');
    writeFileSync(workerFile, [
      `bootstrap.servers=${services.kafkaBrokers.join(',')}`,
      'rest.host.name=127.0.0.1',
      'rest.port=0',
      `offset.storage.file.filename=${offsetsFile}`,
      'offset.flush.interval.ms=200',
      'log.level=info',
    ].join('\n'));
    const mysqlFile = join(dir, 'mysql.properties');
    const mysqlConfig = { name: mysqlName, ...(await mysqlConnectorConfig(mysqlDb, mysqlPrefix)) };
    writeFileSync(mysqlFile, Object.entries(mysqlConfig).map(([k, v]) => `${k}=${v}`).join('\n'));
    const pgFile = join(dir, 'pg.json');
    writeFileSync(pgFile, JSON.stringify({ name: pgName, config: await pgConnectorConfig(pgDb.name, pgPrefix, slot) }));
    files = [workerFile, mysqlFile, pgFile];
  });

  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await closeTestKafka();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs both connectors from their files; a SIGKILL while streaming resumes from the offsets file; the offsets API edits the file', async () => {
    let worker = await startStandalone(files);
    cleanups.push(() => worker.kill('SIGKILL').then(() => undefined));
    await waitForStatus(worker.url, mysqlName, (s) => isRunning(s));
    await waitForStatus(worker.url, pgName, (s) => isRunning(s));
    assert.deepEqual((await api(worker.url).get('/connectors')).body.sort(), [mysqlName, pgName].sort());
    await waitConverged('snapshot');
    assert.deepEqual(await snapshotReads(), { mysql: ROWS, pg: ROWS });

    // Streaming; both connectors' positions reach the file.
    for (let i = 0; i < 5; i++) await change();
    await waitConverged('streaming');
    await waitFor(() => {
      try {
        const connectors = new Set(fileOffsets().offsets.map((o) => o.key[0]));
        return connectors.has(mysqlName) && connectors.has(pgName);
      } catch {
        return false;
      }
    }, { timeoutMs: 30_000, message: 'both connectors\' offsets in the file' });

    // Killed while changes go on; more changes while it is down.
    const writing = (async () => { for (let i = 0; i < 10; i++) await change(); })();
    await worker.kill('SIGKILL');
    await writing;
    for (let i = 0; i < 5; i++) await change();
    const fileAtKill = fileOffsets();
    assert.equal(fileAtKill.format, 'tscdc-offsets');

    worker = await startStandalone(files);
    await waitForStatus(worker.url, mysqlName, (s) => isRunning(s));
    await waitForStatus(worker.url, pgName, (s) => isRunning(s));
    await waitConverged('after the restart');
    assert.deepEqual(await snapshotReads(), { mysql: ROWS, pg: ROWS }, 'resumed from the file: no second snapshot');

    // GET offsets: what the file holds, in the offsets topic's shapes.
    const client = api(worker.url);
    await waitFor(async () => {
      const got = (await client.get(`/connectors/${mysqlName}/offsets`)).body;
      const inFile = fileOffsets().offsets.filter((o) => o.key[0] === mysqlName).map((o) => ({ partition: o.key[1], offset: o.value }));
      return got.offsets.length === 1 && JSON.stringify(got.offsets) === JSON.stringify(inFile);
    }, { timeoutMs: 30_000, message: 'GET offsets to show the file\'s offsets' });
    const pgOffsets = (await client.get(`/connectors/${pgName}/offsets`)).body.offsets;
    assert.equal(pgOffsets.length, 1);
    assert.ok(Object.keys(pgOffsets[0].offset).length > 0, JSON.stringify(pgOffsets));

    // DELETE offsets of a STOPPED connector removes them from the file; the other connector's stay.
    assert.equal((await client.put(`/connectors/${pgName}/stop`)).status, 204);
    await waitForStatus(worker.url, pgName, (s) => s.connector.state === 'STOPPED');
    const reset = await client.delete(`/connectors/${pgName}/offsets`);
    assert.equal(reset.status, 200, reset.text);
    assert.deepEqual(fileOffsets().offsets.map((o) => o.key[0]), [mysqlName]);
    // PATCH puts them back (as when moving a connector between workers).
    const patched = await client.patch(`/connectors/${pgName}/offsets`, { offsets: pgOffsets });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(fileOffsets().offsets.map((o) => o.key[0]).sort(), [mysqlName, pgName].sort());

    assert.equal(await worker.kill('SIGTERM'), 0, worker.output().slice(-2000));
  });

  it('a torn offsets file stops the process with an error naming the file, and is left as it was', async () => {
    const good = readFileSync(offsetsFile, 'utf8');
    const torn = good.slice(0, Math.floor(good.length / 2));
    writeFileSync(offsetsFile, torn);
    const { child, output, exited } = spawnStandalone(files);
    cleanups.push(async () => { child.kill('SIGKILL'); });
    // A process that started anyway (the file silently reset) would not exit: that fails here instead of hanging.
    let code: number | null | undefined;
    void exited.then((c) => (code = c));
    await waitFor(() => code !== undefined || output().includes('standalone worker started'), { timeoutMs: 60_000, message: 'the process to exit' });
    assert.notEqual(code, undefined, `the process started on a torn offsets file:\n${output()}`);
    assert.notEqual(code, 0, output());
    assert.match(output(), /OFFSET_FILE_CORRUPT/);
    assert.ok(output().includes(offsetsFile), `the error names ${offsetsFile}:\n${output()}`);
    assert.equal(readFileSync(offsetsFile, 'utf8'), torn, 'the file is not reset');
    assert.doesNotMatch(output(), /connector created from its file/, 'no connector started');
  });

  it('a connector file whose connector is refused stops the process, naming the file and the key', async () => {
    const bad = join(dir, 'bad.json');
    // No topic.prefix: POST /connectors would answer 400 naming it.
    writeFileSync(bad, JSON.stringify({ name: `${prefix}-bad`, config: { 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'database.hostname': 'localhost' } }));
    rmSync(offsetsFile, { force: true });
    const { child, output, exited } = spawnStandalone([files[0]!, bad]);
    cleanups.push(async () => { child.kill('SIGKILL'); });
    let code: number | null | undefined;
    void exited.then((c) => (code = c));
    await waitFor(() => code !== undefined || output().includes('standalone worker started'), { timeoutMs: 60_000, message: 'the process to exit' });
    assert.notEqual(code, undefined, `the process started with a refused connector:\n${output()}`);
    assert.notEqual(code, 0, output());
    assert.ok(output().includes(`Connector file ${bad}`), `the error names ${bad}:\n${output()}`);
    assert.match(output(), /topic\.prefix/);
  });
});
