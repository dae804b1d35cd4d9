/**
 * Snapshot engine against the real PostgreSQL: every row read exactly once, text values as pgoutput sends them,
 * resume after an abort, parallel readers sharing an exported snapshot (chunks of one table split among them),
 * and the consistency claim: rows = state at the slot's consistent point, and the slot streams exactly the rest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import {
  discoverTables, runSnapshot, type DbConnectionConfig, type SnapshotChunk, type SnapshotProgress, type TableInfo,
} from '../snapshot/index.js';
import { bindKeyParams, keysetQueries, postgresFlavor } from '../snapshot/chunk-planner.js';
import { testServices, uniqueName, waitFor } from './harness/services.js';

const TEXT = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

describe('snapshot engine (PostgreSQL)', () => {
  const schema = uniqueName('snap');
  let admin: pg.Client;
  let connection: DbConnectionConfig;
  let pgConfig: pg.ClientConfig;

  before(async () => {
    const s = await testServices();
    pgConfig = { host: s.pg.host, port: s.pg.port, user: s.pg.user, password: s.pg.password, database: s.pg.database };
    connection = { host: s.pg.host, port: s.pg.port, user: s.pg.user, password: s.pg.password, database: s.pg.database };
    admin = new pg.Client(pgConfig);
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
    await admin.query(`
      CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
      CREATE TABLE single (id int PRIMARY KEY, name varchar(40) NOT NULL, amount numeric(10,2), ts timestamptz, data jsonb, bin bytea, m mood, p posint, tags text[]);
      CREATE TABLE composite (a int NOT NULL, b text NOT NULL, v int, PRIMARY KEY (a, b));
      CREATE TABLE nopk (x int, y text);
      CREATE TABLE uniq (code char(6) NOT NULL, v int);
      CREATE UNIQUE INDEX uniq_code ON uniq (code);
      CREATE TABLE empty_t (id int PRIMARY KEY);
      INSERT INTO single SELECT i * 2 + 1, 'n' || i, (i / 7.0)::numeric(10,2), timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second',
        jsonb_build_object('i', i), decode(lpad(to_hex(i), 8, '0'), 'hex'), (ARRAY['sad','ok','happy'])[i % 3 + 1]::mood, i + 1, ARRAY['a,b', 'c"d']
        FROM generate_series(0, 2499) i;
      INSERT INTO composite SELECT a, b, a * 100 FROM generate_series(0, 39) a, unnest(ARRAY['x', 'Y', 'aa', 'ab', 'b', 'zz', 'q', 'é', 'm', 'n b']) b;
      INSERT INTO nopk SELECT i % 100, 'y' || (i % 50) FROM generate_series(0, 1233) i;
      INSERT INTO uniq SELECT 'c' || lpad(i::text, 5, '0'), i FROM generate_series(0, 776) i;
      ANALYZE single, composite, nopk, uniq, empty_t;
    `);
  });

  after(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
  });

  async function tableRows(table: string): Promise<string[]> {
    const r = await admin.query({ text: `SELECT * FROM ${schema}.${table}`, rowMode: 'array', types: TEXT });
    return (r.rows as unknown[][]).map((row) => JSON.stringify(row)).sort();
  }

  function rowsOf(chunks: SnapshotChunk[], table: string): string[] {
    return chunks
      .filter((c) => c.table.id.table === table)
      .flatMap((c) => c.rows.map((r) => JSON.stringify(r.slice(0, c.table.columns.length))))
      .sort();
  }

  async function allTables(): Promise<TableInfo[]> {
    return discoverTables({ dialect: 'postgres', connection, filters: { databaseInclude: [schema] } });
  }

  it('discovers columns, keys, enum values and domains', async () => {
    const tables = await allTables();
    const byName = new Map(tables.map((t) => [t.id.table, t]));
    assert.deepEqual([...byName.keys()].sort(), ['composite', 'empty_t', 'nopk', 'single', 'uniq']);
    const single = byName.get('single')!;
    const col = (n: string) => single.columns.find((c) => c.name === n)!;
    assert.deepEqual(single.primaryKey, ['id']);
    assert.equal(col('name').length, 40);
    assert.equal(col('name').nullable, false);
    assert.equal(col('amount').precision, 10);
    assert.equal(col('amount').scale, 2);
    assert.deepEqual(col('m').enumValues, ['sad', 'ok', 'happy']);
    assert.equal(col('p').nativeType, 'int4', 'a domain reports its base type');
    assert.equal(col('p').columnType, `${schema}.posint`);
    assert.equal(col('tags').nativeType, '_text');
    assert.equal(col('id').typeOid, 23);
    assert.deepEqual(byName.get('composite')!.chunkKey, ['a', 'b']);
    assert.deepEqual(byName.get('uniq')!.chunkKey, ['code']);
    assert.deepEqual(byName.get('nopk')!.chunkKey, []);
    assert.ok(single.estimatedRows > 2000);
  });

  it('reads every row exactly once, as PostgreSQL text output, with the snapshot markers', async () => {
    const tables = await allTables();
    const chunks: SnapshotChunk[] = [];
    const result = await runSnapshot({ dialect: 'postgres', connection, tables, fetchSize: 300, onChunk: async (c) => void chunks.push(c) });
    assert.equal(result.completed, true);
    for (const t of ['single', 'composite', 'nopk', 'uniq', 'empty_t']) assert.deepEqual(rowsOf(chunks, t), await tableRows(t), `rows of ${t}`);
    assert.equal(chunks.filter((c) => c.info.lastInSnapshot).length, 1);
    assert.equal(chunks.at(-1)!.info.lastInSnapshot, true);
    assert.ok(chunks.at(-1)!.rows.length > 0, 'the last chunk has rows to mark (tables estimated empty are read first)');
    for (const t of tables) {
      const own = chunks.filter((c) => c.table.name === t.name);
      assert.equal(own.filter((c) => c.info.lastInTable).length, 1);
      if (t.id.table !== 'empty_t') assert.ok(own.at(-1)!.rows.length > 0, `the last chunk of ${t.name} carries rows`);
    }
    assert.ok(chunks.filter((c) => c.table.id.table === 'nopk').length >= 5, 'a table without a key is streamed in batches');
    const first = chunks.find((c) => c.table.id.table === 'single')!.rows[0]!;
    assert.deepEqual(first, ['1', 'n0', '0.00', '2024-01-01 00:00:00+00', '{"i": 0}', '\\x00000000', 'sad', '1', '{"a,b","c\\"d"}']);
  });

  it('compares a composite key in a way the primary key index can answer', async () => {
    const table = (await allTables()).find((t) => t.id.table === 'composite')!;
    const q = keysetQueries(postgresFlavor, table, 51).next;
    await admin.query('BEGIN; SET LOCAL enable_seqscan = off');
    try {
      const r = await admin.query(`EXPLAIN (FORMAT JSON) ${q.sql}`, bindKeyParams(q, ['30', 'b'], null));
      const plan = JSON.stringify(r.rows[0]['QUERY PLAN']);
      assert.match(plan, /"Index Cond":"\(ROW\(a, b\) > ROW\(30, 'b'::text\)\)"/);
    } finally {
      await admin.query('ROLLBACK');
    }
  });

  it("hands over node-postgres' parsed values on request", async () => {
    const tables = (await allTables()).filter((t) => t.id.table === 'single');
    const chunks: SnapshotChunk[] = [];
    await runSnapshot({ dialect: 'postgres', connection, tables, fetchSize: 1000, valueFormat: 'parsed', onChunk: async (c) => void chunks.push(c) });
    assert.equal(chunks.reduce((n, c) => n + c.rows.length, 0), 2500);
    const first = chunks[0]!.rows[0]!;
    assert.equal(first[0], 1);
    assert.ok(first[3] instanceof Date);
    assert.deepEqual(first[4], { i: 0 });
    assert.ok(Buffer.isBuffer(first[5]));
    assert.deepEqual(first[8], ['a,b', 'c"d']);
  });

  it('resumes after an abort from the last completed chunk and closes its connections', async () => {
    const tables = (await allTables()).filter((t) => ['single', 'composite'].includes(t.id.table));
    const app = uniqueName('snapapp');
    const conn = { ...connection, applicationName: app };
    const controller = new AbortController();
    const firstRun: SnapshotChunk[] = [];
    let committed: SnapshotProgress | null = null;
    const result1 = await runSnapshot({
      dialect: 'postgres', connection: conn, tables, fetchSize: 150, maxThreads: 2, signal: controller.signal,
      async onChunk(c) {
        if (c.table.id.table === 'single' && c.info.index === 3) {
          controller.abort();
          return new Promise<void>(() => {}); // a caller stuck on a full queue: the abort must not wait for it
        }
        firstRun.push(c);
        committed = c.info.progress;
      },
    });
    assert.equal(result1.completed, false);
    await waitFor(async () => (await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [app])).rows[0].n === 0, {
      message: 'reader connections are closed after the abort',
    });
    const resumeFrom = JSON.parse(JSON.stringify(committed)) as SnapshotProgress;
    assert.equal(resumeFrom.partial[`${schema}.single`]?.chunks, 3);

    const secondRun: SnapshotChunk[] = [];
    const result2 = await runSnapshot({ dialect: 'postgres', connection, tables, fetchSize: 150, resumeFrom, onChunk: async (c) => void secondRun.push(c) });
    assert.equal(result2.completed, true);
    const all = [...firstRun, ...secondRun];
    for (const t of ['single', 'composite']) assert.deepEqual(rowsOf(all, t), await tableRows(t), `rows of ${t}`);
    assert.equal(secondRun.find((c) => c.table.id.table === 'single')!.info.index, 3, 'continues with the fourth chunk');
  });

  it('with an exported snapshot, three readers read several tables, split and whole, exactly once', async () => {
    const slot = uniqueName('snapslot');
    const repl = new pg.Client({ ...pgConfig, replication: 'database' } as pg.ClientConfig);
    await repl.connect();
    try {
      const created = await repl.query(`CREATE_REPLICATION_SLOT ${slot} LOGICAL pgoutput EXPORT_SNAPSHOT`);
      const tables = await allTables();
      const chunks: SnapshotChunk[] = [];
      const result = await runSnapshot({
        dialect: 'postgres', connection, tables, fetchSize: 200, maxThreads: 3, exportedSnapshot: created.rows[0].snapshot_name,
        onChunk: async (c) => void chunks.push(c),
      });
      assert.equal(result.completed, true);
      for (const t of ['single', 'composite', 'nopk', 'uniq', 'empty_t']) assert.deepEqual(rowsOf(chunks, t), await tableRows(t), `rows of ${t}`);
      for (const t of tables) {
        const own = chunks.filter((c) => c.table.name === t.name);
        assert.deepEqual(own.map((c) => c.info.index), own.map((_, i) => i), `chunks of ${t.name} in order`);
      }
      assert.equal(chunks.filter((c) => c.info.lastInSnapshot).length, 1);
    } finally {
      await repl.end();
      await admin.query('SELECT pg_drop_replication_slot($1)', [slot]).catch(() => {});
    }
  });

  it('with an exported snapshot, parallel readers split a table and read exactly the state at the slot; the slot streams the rest', async () => {
    const table = uniqueName('acct');
    const slot = uniqueName('snapslot');
    const publication = uniqueName('snappub');
    await admin.query(`CREATE TABLE ${schema}.${table} (id int PRIMARY KEY, v int NOT NULL)`);
    await admin.query(`INSERT INTO ${schema}.${table} SELECT i, 0 FROM generate_series(1, 2000) i`);
    await admin.query(`ANALYZE ${schema}.${table}`);
    await admin.query(`CREATE PUBLICATION ${publication} FOR TABLE ${schema}.${table}`);
    const writer = new pg.Client(pgConfig);
    await writer.connect();
    const ops: Array<{ xid: string; changed: boolean; apply(s: Map<number, number>): void }> = [];
    let seq = 0;
    const write = async (count: number) => {
      for (let n = 0; n < count; n++) {
        const i = ++seq;
        await writer.query('BEGIN');
        const { rows: [{ xid }] } = await writer.query('SELECT pg_current_xact_id()::text AS xid');
        let res: pg.QueryResult;
        let apply: (s: Map<number, number>) => void;
        if (i % 3 === 0) {
          const id = ((i * 7) % 2000) + 1;
          res = await writer.query(`UPDATE ${schema}.${table} SET v = $1 WHERE id = $2`, [i, id]);
          apply = (s) => void (s.has(id) && s.set(id, i));
        } else if (i % 3 === 1) {
          res = await writer.query(`INSERT INTO ${schema}.${table} VALUES ($1, $2)`, [2000 + i, i]);
          apply = (s) => void s.set(2000 + i, i);
        } else {
          const id = ((i * 13) % 2000) + 1;
          res = await writer.query(`DELETE FROM ${schema}.${table} WHERE id = $1`, [id]);
          apply = (s) => void s.delete(id);
        }
        await writer.query('COMMIT');
        ops.push({ xid, changed: (res.rowCount ?? 0) > 0, apply });
      }
    };
    const repl = new pg.Client({ ...pgConfig, replication: 'database' } as pg.ClientConfig);
    await repl.connect();
    let replOpen = true;
    try {
      await write(30);
      const created = await repl.query(`CREATE_REPLICATION_SLOT ${slot} LOGICAL pgoutput EXPORT_SNAPSHOT`);
      const snapshotName = created.rows[0].snapshot_name as string;
      await write(10); // after the consistent point: for the slot, not for the snapshot
      const [info] = await discoverTables({ dialect: 'postgres', connection, filters: { tableInclude: [`${schema}\\.${table}`] } });
      const chunks: SnapshotChunk[] = [];
      const app = uniqueName('snapapp');
      const result = await runSnapshot({
        dialect: 'postgres', connection: { ...connection, applicationName: app },
        tables: [info!], fetchSize: 100, maxThreads: 3, exportedSnapshot: snapshotName,
        async onChunk(c) {
          if (chunks.length === 0) {
            // While the first chunk is held, other readers have read later ranges of the same table.
            await waitFor(async () => {
              const r = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE '%<=%'`, [app]);
              return r.rows[0].n >= 2;
            }, { message: 'two readers read ranges of the table' });
          }
          chunks.push(c);
          await write(3);
        },
      });
      assert.equal(result.completed, true);
      assert.ok(chunks.length >= 19, 'the table is read in chunks');
      assert.deepEqual(chunks.map((c) => c.info.index), chunks.map((_, i) => i), 'chunks arrive in key order');
      const keys = chunks.flatMap((c) => c.rows.map((r) => Number(r[0])));
      assert.deepEqual(keys, [...keys].sort((a, b) => a - b), 'rows arrive in key order across readers');

      // Which writer transactions the exported snapshot sees (asked while it is still exported).
      const probe = new pg.Client(pgConfig);
      await probe.connect();
      await probe.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await probe.query(`SET TRANSACTION SNAPSHOT '${snapshotName}'`);
      const visible = new Set<string>();
      for (const op of ops) {
        const r = await probe.query('SELECT pg_visible_in_snapshot($1::xid8, pg_current_snapshot()) AS v', [op.xid]);
        if (r.rows[0].v) visible.add(op.xid);
      }
      await probe.query('COMMIT');
      await probe.end();
      assert.ok(visible.size >= 30 && visible.size < ops.length, 'the writer ran before and during the snapshot');

      const state = new Map<number, number>(Array.from({ length: 2000 }, (_, i) => [i + 1, 0]));
      for (const op of ops) if (visible.has(op.xid)) op.apply(state);
      const expected = [...state].map(([id, v]) => `${id}:${v}`).sort();
      assert.deepEqual(chunks.flatMap((c) => c.rows.map((r) => `${r[0]}:${r[1]}`)).sort(), expected);

      // The slot replays exactly the writer transactions the snapshot did not see.
      await repl.end();
      replOpen = false;
      const changes = await admin.query(
        `SELECT DISTINCT xid::text AS xid FROM pg_logical_slot_peek_binary_changes($1, NULL, NULL, 'proto_version', '1', 'publication_names', $2)
         WHERE get_byte(data, 0) IN (73, 85, 68)`,
        [slot, publication],
      );
      const streamed = new Set(changes.rows.map((r) => String(r.xid)));
      const xid32 = (x: string) => String(BigInt(x) % 2n ** 32n);
      const expectStreamed = ops.filter((op) => op.changed && !visible.has(op.xid)).map((op) => xid32(op.xid)).sort();
      const writerStreamed = ops.map((op) => xid32(op.xid)).filter((x) => streamed.has(x)).sort();
      assert.deepEqual(writerStreamed, expectStreamed);
    } finally {
      if (replOpen) await repl.end();
      await writer.end();
      await admin.query('SELECT pg_drop_replication_slot($1)', [slot]).catch(() => {});
      await admin.query(`DROP PUBLICATION IF EXISTS ${publication}`);
    }
  });
});
