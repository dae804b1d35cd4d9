/**
 * Snapshot engine against the real MariaDB: every row read exactly once (single, composite and no primary key),
 * resume after an abort, parallel readers, and the consistency claim (rows = table state at the reported
 * binlog position) under a concurrent writer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import {
  discoverTables, runSnapshot, type DbConnectionConfig, type SnapshotChunk, type SnapshotProgress, type SnapshotStats, type TableInfo,
} from '../snapshot/index.js';
import { bindKeyParams, keysetQueries, mysqlFlavor } from '../snapshot/chunk-planner.js';
import { testServices, uniqueName, waitFor } from './harness/services.js';

describe('snapshot engine (MariaDB)', () => {
  const db = uniqueName('snap');
  let admin: mysql.Connection;
  let connection: DbConnectionConfig;

  before(async () => {
    const s = await testServices();
    connection = { host: s.mysql.host, port: s.mysql.port, user: s.mysql.user, password: s.mysql.password };
    admin = await mysql.createConnection({ ...s.mysql, multipleStatements: true, dateStrings: true });
    await admin.query(`CREATE DATABASE \`${db}\``);
    await admin.query(`USE \`${db}\``);
    await admin.query(`
      CREATE TABLE single (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, kind ENUM('a','b''c') NULL, amount DECIMAL(10,2), big BIGINT UNSIGNED);
      CREATE TABLE composite (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT, PRIMARY KEY (a, b));
      CREATE TABLE nopk (x INT, y VARCHAR(20));
      CREATE TABLE uniq (code CHAR(6) NOT NULL, v INT, UNIQUE KEY uq_code (code));
      CREATE TABLE empty_t (id INT PRIMARY KEY);
      CREATE TABLE bigkey (id BIGINT UNSIGNED NOT NULL, k INT NOT NULL, PRIMARY KEY (id, k));
    `);
    const single = Array.from({ length: 2500 }, (_, i) => [i * 2 + 1, `n${i}`, i % 3 === 0 ? null : i % 3 === 1 ? 'a' : "b'c", (i / 7).toFixed(2), 2n ** 63n + BigInt(i)]);
    await admin.query('INSERT INTO single VALUES ?', [single]);
    const composite: unknown[][] = [];
    for (let a = 0; a < 40; a++) for (const b of ['x', 'Y', 'aa', 'ab', 'b', 'zz', 'q', 'é', 'm', 'n']) composite.push([a, b, a * 100]);
    await admin.query('INSERT INTO composite VALUES ?', [composite]);
    // Duplicate rows on purpose: a table without a key may hold them, and each must still be read once.
    await admin.query('INSERT INTO nopk VALUES ?', [Array.from({ length: 1234 }, (_, i) => [i % 100, `y${i % 50}`])]);
    await admin.query('INSERT INTO uniq VALUES ?', [Array.from({ length: 777 }, (_, i) => [`c${String(i).padStart(5, '0')}`, i])]);
    // Keys beyond 2^53 that doubles cannot tell apart: compared as strings in a row comparison they would break.
    await admin.query('INSERT INTO bigkey VALUES ?', [Array.from({ length: 450 }, (_, i) => [(2n ** 63n + BigInt(Math.floor(i / 2) * 1000)).toString(), i % 2])]);
    await admin.query('ANALYZE TABLE single, composite, nopk, uniq, empty_t, bigkey');
  });

  after(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin?.end();
  });

  async function tableRows(table: string): Promise<string[]> {
    const [rows] = await admin.query({ sql: `SELECT * FROM \`${db}\`.\`${table}\``, rowsAsArray: true, supportBigNumbers: true, bigNumberStrings: true } as never);
    return (rows as unknown[][]).map((r) => JSON.stringify(r.map(String))).sort();
  }

  function rowKeys(chunks: SnapshotChunk[], table: string): string[] {
    return chunks
      .filter((c) => c.table.id.table === table)
      .flatMap((c) => c.rows.map((r) => JSON.stringify(r.slice(0, c.table.columns.length).map(String))))
      .sort();
  }

  it('discovers columns, keys and chunk keys with Debezium filter semantics', async () => {
    const tables = await discoverTables({
      dialect: 'mariadb', connection,
      filters: { databaseInclude: [db], tableExclude: [`${db}\\.EMPTY_T`], columnExclude: [`${db}\\.single\\.id`], messageKeyColumns: `${db}.nopk:x` },
    });
    const byName = new Map(tables.map((t) => [t.id.table, t]));
    assert.deepEqual([...byName.keys()].sort(), ['bigkey', 'composite', 'nopk', 'single', 'uniq']);
    const single = byName.get('single')!;
    assert.deepEqual(single.columns.map((c) => c.name), ['name', 'kind', 'amount', 'big']);
    assert.deepEqual(single.primaryKey, ['id']);
    assert.deepEqual(single.chunkKey, ['id']);
    assert.deepEqual(single.extraKeyColumns.map((c) => c.name), ['id']);
    const kind = single.columns.find((c) => c.name === 'kind')!;
    assert.deepEqual(kind.enumValues, ['a', "b'c"]);
    assert.equal(kind.nullable, true);
    const amount = single.columns.find((c) => c.name === 'amount')!;
    assert.equal(amount.precision, 10);
    assert.equal(amount.scale, 2);
    assert.equal(single.columns.find((c) => c.name === 'big')!.unsigned, true);
    assert.equal(single.columns.find((c) => c.name === 'name')!.length, 40);
    assert.deepEqual(byName.get('composite')!.chunkKey, ['a', 'b']);
    assert.deepEqual(byName.get('nopk')!.chunkKey, []);
    assert.deepEqual(byName.get('nopk')!.keyColumns, ['x']);
    assert.deepEqual(byName.get('uniq')!.primaryKey, []);
    assert.deepEqual(byName.get('uniq')!.chunkKey, ['code']);
    assert.ok(single.estimatedRows > 0);
  });

  async function allTables(): Promise<TableInfo[]> {
    return discoverTables({ dialect: 'mariadb', connection, filters: { databaseInclude: [db] } });
  }

  it('reads every row exactly once, with keys or without, in chunks with the snapshot markers', async () => {
    const tables = await allTables();
    const chunks: SnapshotChunk[] = [];
    const result = await runSnapshot({ dialect: 'mariadb', connection, tables, fetchSize: 300, onChunk: async (c) => void chunks.push(c) });
    assert.equal(result.completed, true);
    for (const t of ['single', 'composite', 'nopk', 'uniq', 'empty_t', 'bigkey']) {
      assert.deepEqual(rowKeys(chunks, t), await tableRows(t), `rows of ${t}`);
    }
    assert.ok(chunks.filter((c) => c.table.id.table === 'single').length >= 9, 'single is read in chunks of 300');
    assert.equal(chunks.filter((c) => c.info.firstInSnapshot).length, 1);
    assert.equal(chunks[0]!.info.firstInSnapshot, true);
    assert.equal(chunks.filter((c) => c.info.lastInSnapshot).length, 1);
    assert.equal(chunks.at(-1)!.info.lastInSnapshot, true);
    assert.ok(chunks.at(-1)!.rows.length > 0, 'the last chunk has rows to mark (tables estimated empty are read first)');
    for (const t of tables) {
      const own = chunks.filter((c) => c.table.name === t.name);
      assert.equal(own.filter((c) => c.info.lastInTable).length, 1, `one last chunk for ${t.name}`);
      assert.equal(own.at(-1)!.info.lastInTable, true);
      assert.deepEqual(own.map((c) => c.info.index), own.map((_, i) => i));
      if (t.id.table !== 'empty_t') assert.ok(own.at(-1)!.rows.length > 0, `the last chunk of ${t.name} carries rows`);
      const pos = own[0]!.info.position!;
      assert.match(pos.file, /\.\d+$/);
      assert.ok(pos.pos > 0);
      assert.match(pos.gtid ?? '', /^\d+-\d+-\d+/);
    }
    assert.deepEqual([...result.progress.done].sort(), tables.map((t) => t.name).sort());
    assert.deepEqual(result.progress.partial, {});
    assert.equal(result.progress.rowsDone, chunks.reduce((n, c) => n + c.rows.length, 0));
    assert.equal(result.stats.tablesDone, tables.length);
    // Values as documented: DECIMAL as string, BIGINT beyond 2^53 as string, ENUM as string.
    const first = chunks.find((c) => c.table.id.table === 'single')!.rows[0]!;
    assert.deepEqual(first, [1, 'n0', null, '0.00', (2n ** 63n).toString()]);
  });

  it('reads a chunk of a composite key as a range of the primary key, not a scan from the start', async () => {
    const [table] = await discoverTables({ dialect: 'mariadb', connection, filters: { tableInclude: [`${db}\\.composite`] } });
    const q = keysetQueries(mysqlFlavor, table!, 51).next;
    const [plan] = await admin.query(`EXPLAIN ${q.sql}`, bindKeyParams(q, [30, 'b'], null));
    const [step] = plan as Array<{ type: string; key: string }>;
    assert.equal(step!.type, 'range');
    assert.equal(step!.key, 'PRIMARY');
  });

  it('resumes after an abort from the last completed chunk, not from zero', async () => {
    const tables = (await allTables()).filter((t) => ['single', 'composite', 'nopk'].includes(t.id.table));
    const controller = new AbortController();
    const firstRun: SnapshotChunk[] = [];
    let committed: SnapshotProgress | null = null;
    const result1 = await runSnapshot({
      dialect: 'mariadb', connection, tables, fetchSize: 200, signal: controller.signal,
      async onChunk(c) {
        if (c.table.id.table === 'composite' && c.info.index === 1) {
          controller.abort(); // this chunk is "not sent": the crash happens before its records reach Kafka
          return;
        }
        firstRun.push(c);
        committed = c.info.progress;
      },
    });
    assert.equal(result1.completed, false);
    const resumeFrom = JSON.parse(JSON.stringify(committed)) as SnapshotProgress;
    assert.ok(resumeFrom.partial[`${db}.composite`], 'composite is partly read');

    const secondRun: SnapshotChunk[] = [];
    const result2 = await runSnapshot({ dialect: 'mariadb', connection, tables, fetchSize: 200, resumeFrom, onChunk: async (c) => void secondRun.push(c) });
    assert.equal(result2.completed, true);
    const all = [...firstRun, ...secondRun];
    for (const t of ['single', 'composite', 'nopk']) assert.deepEqual(rowKeys(all, t), await tableRows(t), `rows of ${t}`);
    const resumed = secondRun.filter((c) => c.table.id.table === 'composite');
    assert.equal(resumed[0]!.info.index, 1, 'chunk numbering continues');
    assert.equal(resumed[0]!.info.firstInTable, false);
    assert.equal(secondRun.some((c) => c.info.firstInSnapshot), false, 'the first run already delivered the first chunk');
    assert.equal(resumed[0]!.info.position!.pos, resumeFrom.positions[`${db}.composite`]!.pos, 'the table keeps its first position');
    assert.equal(secondRun.some((c) => c.table.id.table === 'single' && firstRun.some((f) => f.table.id.table === 'single' && f.info.lastInTable)), false, 'finished tables are not read again');
    assert.equal(result2.progress.rowsDone, all.reduce((n, c) => n + c.rows.length, 0));
  });

  it('reads tables in parallel with several readers, handing over one chunk at a time', async () => {
    const tables = (await allTables()).filter((t) => ['single', 'composite', 'uniq', 'bigkey'].includes(t.id.table));
    const chunks: SnapshotChunk[] = [];
    let latest: SnapshotStats | null = null;
    let inCallback = 0;
    let overlapped = false;
    const result = await runSnapshot({
      dialect: 'mariadb', connection, tables, fetchSize: 100, maxThreads: 3,
      onStats: (s) => void (latest = s),
      async onChunk(c) {
        inCallback++;
        if (inCallback > 1) overlapped = true;
        // Hold the first chunk until three tables are being read at once: only parallel readers get there.
        if (chunks.length === 0) await waitFor(() => (latest?.tablesInProgress.length ?? 0) >= 3, { message: 'three tables read at once' });
        chunks.push(c);
        inCallback--;
      },
    });
    assert.equal(result.completed, true);
    assert.equal(overlapped, false, 'onChunk calls never overlap');
    for (const t of ['single', 'composite', 'uniq', 'bigkey']) assert.deepEqual(rowKeys(chunks, t), await tableRows(t), `rows of ${t}`);
    assert.equal(Object.keys(result.progress.positions).length, 4, 'a position per table');
  });

  describe('consistency under a concurrent writer', () => {
    type Op = { gtid: string; apply(state: Map<number, number>): void };

    /** A writer whose every transaction changes `acct` and records its GTID, so any GTID position's state is known. */
    async function createWriter(table: string) {
      const conn = await mysql.createConnection({ ...(await testServices()).mysql, database: db });
      const ops: Op[] = [];
      let i = 0;
      return {
        ops,
        async write(count: number) {
          for (let n = 0; n < count; n++) {
            const seq = ++i;
            let apply: Op['apply'];
            await conn.query('BEGIN');
            if (seq % 3 === 0) {
              const id = ((seq * 7) % 1000) + 1;
              await conn.query(`UPDATE ${table} SET v = ? WHERE id = ?`, [seq, id]);
              apply = (s) => void (s.has(id) && s.set(id, seq));
            } else if (seq % 3 === 1) {
              await conn.query(`INSERT INTO ${table} VALUES (?, ?)`, [1000 + seq, seq]);
              apply = (s) => void s.set(1000 + seq, seq);
            } else {
              const id = ((seq * 13) % 1000) + 1;
              await conn.query(`DELETE FROM ${table} WHERE id = ?`, [id]);
              apply = (s) => void s.delete(id);
            }
            await conn.query('COMMIT');
            const [[row]] = (await conn.query('SELECT @@last_gtid AS g')) as unknown as [[{ g: string }]];
            ops.push({ gtid: row.g, apply });
          }
        },
        close: () => conn.end(),
      };
    }

    /** `d-s-n[,d-s-n…]` → sequence number per domain. */
    function gtidSeqs(gtid: string): Map<string, bigint> {
      const out = new Map<string, bigint>();
      for (const part of gtid.split(',').filter(Boolean)) {
        const [domain, , seq] = part.trim().split('-');
        out.set(domain!, BigInt(seq!));
      }
      return out;
    }

    function stateAfter(ops: readonly Op[]): string[] {
      const state = new Map<number, number>(Array.from({ length: 1000 }, (_, i) => [i + 1, 0]));
      for (const op of ops) op.apply(state);
      return [...state].map(([id, v]) => `${id}:${v}`).sort();
    }

    async function snapshotWithWriter(dialect: 'mariadb' | 'mysql') {
      const table = uniqueName('acct');
      await admin.query(`CREATE TABLE \`${db}\`.${table} (id INT PRIMARY KEY, v INT NOT NULL)`);
      await admin.query(`INSERT INTO \`${db}\`.${table} VALUES ?`, [Array.from({ length: 1000 }, (_, i) => [i + 1, 0])]);
      const writer = await createWriter(table);
      try {
        await writer.write(30);
        const [info] = (await discoverTables({ dialect, connection, filters: { tableInclude: [`${db}\\.${table}`] } }));
        const rows: string[] = [];
        let position = null as null | { file: string; pos: number; gtid: string | null };
        await runSnapshot({
          dialect, connection, tables: [info!], fetchSize: 100,
          async onChunk(c) {
            position = c.info.position;
            for (const r of c.rows) rows.push(`${r[0]}:${r[1]}`);
            await writer.write(5); // changes while the snapshot's transaction is open, to rows read and unread
          },
        });
        return { rows: rows.sort(), position: position!, ops: writer.ops };
      } finally {
        await writer.close();
      }
    }

    it('MariaDB: the rows are exactly the table state at the reported position (GTID)', async () => {
      const { rows, position, ops } = await snapshotWithWriter('mariadb');
      const at = gtidSeqs(position.gtid!);
      const included = ops.filter((op) => {
        const [domain, , seq] = op.gtid.split('-');
        return at.has(domain!) && BigInt(seq!) <= at.get(domain!)!;
      });
      assert.ok(included.length >= 30, 'writes before the snapshot are in it');
      assert.ok(included.length < ops.length, 'writes during the snapshot are not');
      assert.deepEqual(ops.slice(0, included.length), included, 'a prefix of the writer is included');
      assert.deepEqual(rows, stateAfter(included));
      // The GTID position and the file/offset name the same point.
      const [[g]] = (await admin.query('SELECT BINLOG_GTID_POS(?, ?) AS g', [position.file, position.pos])) as unknown as [[{ g: string }]];
      assert.equal(g.g, position.gtid);
    });

    it('MySQL dialect: the rows are at or after the reported position (replay from it converges)', async () => {
      const { rows, position, ops } = await snapshotWithWriter('mysql');
      assert.equal(position.gtid, null, 'MariaDB has no Executed_Gtid_Set');
      const [[g]] = (await admin.query('SELECT BINLOG_GTID_POS(?, ?) AS g', [position.file, position.pos])) as unknown as [[{ g: string }]];
      const at = gtidSeqs(g.g);
      const before = ops.filter((op) => {
        const [domain, , seq] = op.gtid.split('-');
        return at.has(domain!) && BigInt(seq!) <= at.get(domain!)!;
      }).length;
      const matching = [...Array(ops.length + 1).keys()].filter((k) => k >= before && JSON.stringify(stateAfter(ops.slice(0, k))) === JSON.stringify(rows));
      assert.ok(matching.length > 0, 'the rows are the state after some prefix of the writes at or after the position');
    });
  });
});
