/**
 * The MySQL/MariaDB stream dispatcher against hand-built binlog items: Debezium envelopes per row, tombstones,
 * primary-key changes, skipped operations, the offset the last record of each batch carries (Debezium's
 * transaction-aware file/pos/event/row), table positions left by a snapshot, DDL, heartbeats, conversion
 * failures and the signal table. The table registry is the real one, seeded with table definitions, with
 * INFORMATION_SCHEMA look-ups (refresh after DDL) replaced by an in-memory catalog.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { parseConnectorConfig, type ChangeRecord } from '../../../../../src/connect-api/index.js';
import { mySqlConnectorPlugin, mysqlSettings, type MySqlSettings } from '../../../../../src/connectors/mysql/index.js';
import type { MySqlChunkRow, MySqlIncremental } from '../../../../../src/connectors/mysql/incremental.js';
import { createRecordFactory } from '../../../../../src/connectors/mysql/change-events.js';
import {
  createStreamDispatcher, RowConversionError, type StreamDispatcherOptions,
} from '../../../../../src/connectors/mysql/stream-dispatcher.js';
import { createTableRegistry, type TableRegistry } from '../../../../../src/connectors/mysql/tables.js';
import { TransientError } from '../../../../../src/errors/index.js';
import { parseDdl, type BinlogItem, type BinlogResumePosition, type BinlogTransaction, type WireTable } from '../../../../../binlog/mysql/index.js';
import { columnFromDefinition } from '../../../../../schemas/mysql/index.js';
import type { IncrementalSnapshotter } from '../../../../../snapshot/incremental.js';
import type { ColumnInfo, TableInfo } from '../../../../../snapshot/index.js';
import { capturingSink } from '../../../fakes/record-sink.js';

const logger = pino({ level: 'silent' });
const FILE = 'mysql-bin.000003';

function settingsWith(extra: Record<string, string> = {}): MySqlSettings {
  const parsed = parseConnectorConfig(mySqlConnectorPlugin.configDef, {
    name: 'inv', 'connector.class': mySqlConnectorPlugin.className, 'database.hostname': 'db', 'database.user': 'cdc',
    'topic.prefix': 'shop', 'database.server.id': '4242', ...extra,
  });
  assert.deepEqual(parsed.errors, {});
  return mysqlSettings(parsed.settings, 'inv');
}

type Col = [name: string, columnType: string, nullable: boolean];

function column([name, columnType, nullable]: Col, i: number): ColumnInfo {
  const nativeType = columnType.replace(/\(.*$/, '').split(' ')[0]!;
  return {
    name, ordinal: i + 1, nativeType, columnType, nullable, length: null, precision: null, scale: null, datetimePrecision: null,
    unsigned: false, enumValues: null, charset: null, defaultValue: null, autoIncrement: false, typeOid: null, comment: null,
  };
}

function tableInfo(table: string, cols: Col[], primaryKey = ['id']): TableInfo {
  return {
    id: { schema: 'inv', table }, name: `inv.${table}`, columns: cols.map(column), primaryKey, keyColumns: primaryKey,
    chunkKey: primaryKey, extraKeyColumns: [], estimatedRows: 0, avgRowBytes: 0,
  };
}

/** The TABLE_MAP's description of a table (binlog_row_metadata=FULL). */
function wire(table: string, cols: Col[], primaryKey = ['id']): WireTable {
  return {
    tableId: table.length, database: 'inv', table, primaryKey, selfDescribing: true,
    columns: cols.map(([name, columnType, optional]) => columnFromDefinition({ name, columnType, optional })),
  };
}

const CUSTOMERS: Col[] = [['id', 'int(11)', false], ['name', 'varchar(50)', true]];
const customers = wire('customers', CUSTOMERS);

function tx(n: number, pos = 1000 * n): BinlogTransaction {
  return { file: FILE, pos, gtid: `0-1-${n}`, gtidsBefore: `0-1-${n - 1}`, tsSec: 1_700_000_000 + n, serverId: 1, thread: 77 };
}

function rows(t: BinlogTransaction, op: 'c' | 'u' | 'd', data: unknown[], o: { event?: number; firstRow?: number; table?: WireTable } = {}): BinlogItem {
  return { kind: 'rows', op, table: o.table ?? customers, rows: data, firstRow: o.firstRow ?? 0, event: o.event ?? 0, tx: t, pos: t.pos + 100 * ((o.event ?? 0) + 1) };
}

const after = (t: BinlogTransaction, n: number): BinlogResumePosition => ({ file: t.file, pos: t.pos + 500, gtids: `0-1-${n}`, event: 0, row: 0 });
function commit(t: BinlogTransaction, n: number): BinlogItem {
  return { kind: 'commit', tx: t, after: after(t, n) };
}

function ddl(t: BinlogTransaction, n: number, sql: string): BinlogItem {
  const statement = parseDdl(sql, 'inv');
  assert.ok(statement, sql);
  return { kind: 'ddl', statement, sql, database: 'inv', tx: t, after: after(t, n), pos: t.pos + 42 };
}

/**
 * The real registry with INFORMATION_SCHEMA replaced by `catalog`: `refresh` (after DDL) re-reads it; a table
 * the registry has not seen fails like an unreachable server when `unreachable` is set.
 */
function memoryRegistry(settings: MySqlSettings, tables: TableInfo[]) {
  const catalog = new Map(tables.map((t) => [t.name, t]));
  const calls: string[] = [];
  const state = { unreachable: false };
  const real = createTableRegistry({
    dialect: 'mariadb', connection: { host: 'db', port: 3306, user: 'cdc' }, filters: settings.filters, topicPrefix: settings.topicPrefix,
    modes: settings.modes, logger,
  });
  real.seed(tables);
  const registry: TableRegistry = {
    ...real,
    forWire(w) {
      calls.push(`forWire ${w.database}.${w.table}`);
      if (real.info(w.database, w.table) === undefined && state.unreachable) {
        return Promise.reject(new TransientError('MYSQL_UNAVAILABLE', 'MySQL/MariaDB at db:3306 is not reachable while loading a table definition'));
      }
      return real.forWire(w);
    },
    async refresh(names) {
      calls.push(`refresh ${names.map((n) => `${n.database}.${n.table}`).join(',')}`);
      if (state.unreachable) throw new TransientError('MYSQL_UNAVAILABLE', 'MySQL/MariaDB at db:3306 is not reachable while reading table definitions');
      const kept = names.filter((n) => real.includeTable(n.database, n.table));
      real.seed([...catalog.values()]);
      return new Map(kept.map((n) => [`${n.database}.${n.table}`, catalog.get(`${n.database}.${n.table}`)]));
    },
  };
  return { registry, catalog, calls, state };
}

function setup(o: { config?: Record<string, string>; tables?: TableInfo[]; start?: BinlogResumePosition; extra?: Partial<StreamDispatcherOptions> } = {}) {
  const settings = settingsWith(o.config);
  const reg = memoryRegistry(settings, o.tables ?? [tableInfo('customers', CUSTOMERS)]);
  const factory = createRecordFactory({ connector: 'mariadb', topicPrefix: 'shop', heartbeatTopic: settings.heartbeatTopic, partition: { server: 'shop' },
    tombstonesOnDelete: settings.tombstonesOnDelete, skipped: settings.skipped });
  const out = capturingSink();
  const start = o.start ?? { file: FILE, pos: 4, gtids: '0-1-0', event: 0, row: 0 };
  const dispatcher = createStreamDispatcher({
    settings, factory, registry: reg.registry, sink: out.sink, logger, start, tablePositions: null, ...o.extra,
  });
  return { settings, dispatcher, out, reg, factory };
}

interface Env { op: string; before: unknown; after: unknown; source: Record<string, unknown> }
const env = (r: ChangeRecord) => r.value as Env;
const summary = (r: ChangeRecord) => (r.value === null ? `tombstone ${JSON.stringify(r.key)}` : `${env(r).op} ${JSON.stringify(r.key)}`);

describe('MySQL stream dispatcher: row events become Debezium change events', () => {
  it('an insert is a create event: key, after image, MariaDB source block and the partition', async () => {
    const { dispatcher, out } = setup();
    const t1 = tx(1);
    await dispatcher.deliver([rows(t1, 'c', [{ id: 1, name: 'Ann' }]), commit(t1, 1)]);
    assert.equal(out.batches.length, 1, 'one send per delivered batch');
    const [r] = out.records();
    assert.equal(r!.topic, 'shop.inv.customers');
    assert.deepEqual(r!.key, { id: 1 });
    assert.deepEqual(r!.partition, { server: 'shop' });
    const e = env(r!);
    assert.equal(e.op, 'c');
    assert.equal(e.before, null);
    assert.deepEqual(e.after, { id: 1, name: 'Ann' });
    assert.deepEqual(
      { ...e.source, ts_us: undefined, ts_ns: undefined },
      {
        version: e.source.version, connector: 'mariadb', name: 'shop', ts_ms: 1_700_000_001_000, snapshot: 'false', db: 'inv', sequence: null,
        ts_us: undefined, ts_ns: undefined, table: 'customers', server_id: 1, gtid: '0-1-1', file: FILE, pos: 1100, row: 0, thread: 77, query: null,
      },
    );
  });

  it('an update is an update event with before and after images under the same key', async () => {
    const { dispatcher, out } = setup();
    const t1 = tx(1);
    await dispatcher.deliver([rows(t1, 'u', [{ before: { id: 1, name: 'Ann' }, after: { id: 1, name: 'Anne' } }]), commit(t1, 1)]);
    const records = out.records();
    assert.deepEqual(records.map(summary), ['u {"id":1}']);
    assert.deepEqual(env(records[0]!).before, { id: 1, name: 'Ann' });
    assert.deepEqual(env(records[0]!).after, { id: 1, name: 'Anne' });    assert.deepEqual([env(records[0]!).source.pos, env(records[0]!).source.row], [1100, 0], 'source.pos is the rows event\'s own position, as Debezium\'s');
  });

  it('a delete is a delete event followed by a tombstone for the key (tombstones.on.delete, on by default)', async () => {
    const { dispatcher, out } = setup();
    const t1 = tx(1);
    await dispatcher.deliver([rows(t1, 'd', [{ id: 1, name: 'Ann' }]), commit(t1, 1)]);
    const [del, tomb] = out.records();
    assert.deepEqual(out.records().map(summary), ['d {"id":1}', 'tombstone {"id":1}']);
    assert.deepEqual(env(del!).before, { id: 1, name: 'Ann' });
    assert.equal(env(del!).after, null);
    assert.equal(tomb!.topic, 'shop.inv.customers');
    assert.equal(tomb!.valueSchema, null);
    assert.deepEqual(tomb!.keySchema, del!.keySchema);
  });

  it('with tombstones.on.delete=false a delete has no tombstone', async () => {
    const { dispatcher, out } = setup({ config: { 'tombstones.on.delete': 'false' } });
    const t1 = tx(1);
    await dispatcher.deliver([rows(t1, 'd', [{ id: 1, name: 'Ann' }]), commit(t1, 1)]);
    assert.deepEqual(out.records().map(summary), ['d {"id":1}']);
  });

  it('a table without a primary key has null keys, and each delete is followed by a tombstone with a null key, as in Debezium', async () => {
    const notes: Col[] = [['body', 'varchar(20)', true]];
    const { dispatcher, out } = setup({ tables: [tableInfo('notes', notes, [])] });
    const t1 = tx(1);
    await dispatcher.deliver([rows(t1, 'd', [{ body: 'x' }], { table: wire('notes', notes, []) }), commit(t1, 1)]);
    assert.deepEqual(out.records().map(summary), ['d null', 'tombstone null']);
  });

  it('a primary-key change is a delete (+ tombstone) of the old key and a create of the new one, as Debezium emits it', async () => {
    const { dispatcher, out } = setup();
    const t1 = tx(1);
    await dispatcher.deliver([rows(t1, 'u', [{ before: { id: 1, name: 'Ann' }, after: { id: 2, name: 'Ann' } }]), commit(t1, 1)]);
    const records = out.records();
    assert.deepEqual(records.map(summary), ['d {"id":1}', 'tombstone {"id":1}', 'c {"id":2}']);
    assert.deepEqual(env(records[0]!).before, { id: 1, name: 'Ann' });
    assert.equal(env(records[0]!).after, null);
    assert.equal(env(records[2]!).before, null);
    assert.deepEqual(env(records[2]!).after, { id: 2, name: 'Ann' });
    assert.equal(env(records[0]!).source.pos, env(records[2]!).source.pos, 'both come from the same update');
  });

  it('skipped.operations drops the named operations; a key change is judged by what it emits (delete, create)', async () => {
    const { dispatcher, out } = setup({ config: { 'skipped.operations': 'u' } });
    const t1 = tx(1);
    await dispatcher.deliver([
      rows(t1, 'c', [{ id: 1, name: 'Ann' }]),
      rows(t1, 'u', [{ before: { id: 1, name: 'Ann' }, after: { id: 1, name: 'Anne' } }], { event: 1 }),
      rows(t1, 'u', [{ before: { id: 1, name: 'Anne' }, after: { id: 3, name: 'Anne' } }], { event: 2 }),
      commit(t1, 1),
    ]);
    assert.deepEqual(out.records().map(summary), ['c {"id":1}', 'd {"id":1}', 'tombstone {"id":1}', 'c {"id":3}']);

    const skipDeletes = setup({ config: { 'skipped.operations': 'd' } });
    await skipDeletes.dispatcher.deliver([
      rows(t1, 'd', [{ id: 1, name: 'Ann' }]),
      rows(t1, 'u', [{ before: { id: 2, name: 'B' }, after: { id: 3, name: 'B' } }], { event: 1 }),
      commit(t1, 1),
    ]);
    assert.deepEqual(skipDeletes.out.records().map(summary), ['c {"id":3}'], 'no delete and no tombstone');
  });

  it('every row of a multi-row event is its own event, with its row number in the source block', async () => {
    const { dispatcher, out } = setup();
    const t1 = tx(1);
    await dispatcher.deliver([rows(t1, 'c', [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }]), commit(t1, 1)]);
    assert.deepEqual(out.records().map((r) => env(r).source.row), [0, 1, 2]);
    assert.equal(dispatcher.rows, 3);
  });
});

describe('MySQL stream dispatcher: offsets', () => {
  it('only the last record of a batch carries an offset: after a commit, the position after the transaction', async () => {
    const { dispatcher, out } = setup();
    const t1 = tx(1);
    const t2 = tx(2);
    await dispatcher.deliver([
      rows(t1, 'c', [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]), commit(t1, 1),
      rows(t2, 'c', [{ id: 3, name: 'c' }]), commit(t2, 2),
    ]);
    const records = out.records();
    assert.deepEqual(records.map((r) => r.offset), [undefined, undefined, {
      file: FILE, pos: 2500, gtids: '0-1-2', event: 0, row: 0, ts_sec: 1_700_000_002, server_id: 1, snapshot_completed: true,
    }]);
    assert.deepEqual(dispatcher.position(), { file: FILE, pos: 2500, gtids: '0-1-2', event: 0, row: 0 });
  });

  it('a batch that ends inside a transaction points at the transaction\'s start plus the row events and rows delivered', async () => {
    const { dispatcher, out } = setup();
    const t1 = tx(1);
    // First part of the transaction: event 0 (two rows) and event 1 (one row)
    await dispatcher.deliver([rows(t1, 'c', [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]), rows(t1, 'c', [{ id: 3, name: 'c' }], { event: 1 })]);
    assert.deepEqual(out.records().at(-1)!.offset, {
      file: FILE, pos: 1000, gtids: '0-1-0', event: 1, row: 1, ts_sec: 1_700_000_001, server_id: 1, snapshot_completed: true,
    }, 're-read the transaction from its start, skipping row event 1 entirely (and everything before it)');
    // The rest; the resumed reader would hand over only rows not yet delivered
    await dispatcher.deliver([rows(t1, 'c', [{ id: 4, name: 'd' }], { event: 2 }), commit(t1, 1)]);
    assert.deepEqual(out.records().at(-1)!.offset, {
      file: FILE, pos: 1500, gtids: '0-1-1', event: 0, row: 0, ts_sec: 1_700_000_001, server_id: 1, snapshot_completed: true,
    });
    assert.deepEqual(out.records().map((r) => (r.key as { id: number }).id), [1, 2, 3, 4]);
  });

  it('after a restart mid-event, only the rows from firstRow on are emitted', async () => {
    const start = { file: FILE, pos: 1000, gtids: '0-1-0', event: 0, row: 2 };
    const { dispatcher, out } = setup({ start });
    const t1 = tx(1);
    await dispatcher.deliver([rows(t1, 'c', [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }], { firstRow: 2 }), commit(t1, 1)]);
    assert.deepEqual(out.records().map((r) => [(r.key as { id: number }).id, env(r).source.row]), [[3, 2]]);
    assert.equal(dispatcher.rows, 1);
  });

  it('position() starts at the start position and a batch without records sends nothing but still moves it', async () => {
    const start = { file: FILE, pos: 4, gtids: '0-1-0', event: 0, row: 0 };
    const { dispatcher, out } = setup({ start });
    assert.deepEqual(dispatcher.position(), start);
    const t1 = tx(1);
    await dispatcher.deliver([commit(t1, 1)]);
    assert.equal(out.batches.length, 0);
    assert.deepEqual(dispatcher.position(), after(t1, 1));
  });

  it('events a table\'s snapshot already contains are skipped; table_positions ride along until streaming passed them all', async () => {
    const orders: Col[] = [['id', 'int(11)', false], ['total', 'int(11)', true]];
    const tablePositions = {
      'inv.customers': { file: FILE, pos: 2000, gtid: null },
      'inv.orders': { file: FILE, pos: 3000, gtid: null },
    };
    const { dispatcher, out } = setup({
      tables: [tableInfo('customers', CUSTOMERS), tableInfo('orders', orders)], extra: { tablePositions },
    });
    const ordersWire = wire('orders', orders);
    const t1 = tx(1);
    const t2 = tx(2);
    await dispatcher.deliver([
      rows(t1, 'c', [{ id: 1, name: 'in the snapshot' }]),
      rows(t1, 'c', [{ id: 1, total: 5 }], { event: 1, table: ordersWire }),
      commit(t1, 1),
      rows(t2, 'c', [{ id: 2, name: 'after the snapshot' }]),
      rows(t2, 'c', [{ id: 2, total: 6 }], { event: 1, table: ordersWire }),
      commit(t2, 2),
    ]);
    // t1 (1000) is in both snapshots; t2 (2000) only in the orders snapshot (read at 3000)
    assert.deepEqual(out.records().map((r) => `${r.topic} ${JSON.stringify(r.key)}`), ['shop.inv.customers {"id":2}']);
    assert.deepEqual(out.records().at(-1)!.offset!.table_positions, tablePositions, 'position 2500 has not passed orders\' 3000 yet');

    const t3 = tx(3);
    await dispatcher.deliver([rows(t3, 'c', [{ id: 3, total: 7 }], { table: ordersWire }), commit(t3, 3)]);
    assert.deepEqual(out.records().map((r) => `${r.topic} ${JSON.stringify(r.key)}`), ['shop.inv.customers {"id":2}', 'shop.inv.orders {"id":3}']);
    assert.equal(out.records().at(-1)!.offset!.table_positions, undefined, 'past every table position: no longer needed');
  });

  it('a heartbeat carries the current offset, on the heartbeat topic, and waits for a delivery in progress', async () => {
    const { dispatcher, out, settings } = setup();
    const t1 = tx(1);
    const held = out.hold();
    const delivering = dispatcher.deliver([rows(t1, 'c', [{ id: 1, name: 'a' }]), commit(t1, 1)]);
    await held.started;
    const beating = dispatcher.heartbeat();
    held.release();
    await Promise.all([delivering, beating]);
    assert.equal(out.batches.length, 2);
    const [hb] = out.batches[1]!;
    assert.equal(hb!.topic, settings.heartbeatTopic);
    assert.equal(hb!.topic, '__debezium-heartbeat.shop');
    assert.deepEqual(hb!.key, { serverName: 'shop' });
    assert.deepEqual(hb!.offset, out.batches[0]!.at(-1)!.offset, 'after the delivery it waited for');
  });
});

describe('MySQL stream dispatcher: DDL', () => {
  const WITH_EMAIL: Col[] = [...CUSTOMERS, ['email', 'varchar(80)', true]];

  it('re-reads the table definition before later rows, emits a schema change event, and later rows carry the new column', async () => {
    const { dispatcher, out, reg } = setup();
    const t1 = tx(1);
    const t2 = tx(2);
    const t3 = tx(3);
    reg.catalog.set('inv.customers', tableInfo('customers', WITH_EMAIL));
    await dispatcher.deliver([
      rows(t1, 'c', [{ id: 1, name: 'a' }]), commit(t1, 1),
      ddl(t2, 2, 'ALTER TABLE customers ADD COLUMN email VARCHAR(80)'),
      rows(t3, 'c', [{ id: 2, name: 'b', email: 'b@example.com' }], { table: wire('customers', WITH_EMAIL) }), commit(t3, 3),
    ]);
    assert.deepEqual(reg.calls, ['forWire inv.customers', 'refresh inv.customers', 'forWire inv.customers']);
    const [before, change, later] = out.records();
    assert.deepEqual(env(before!).after, { id: 1, name: 'a' });
    assert.equal(change!.topic, 'shop', 'schema changes go to the topic named by topic.prefix');
    assert.deepEqual(change!.key, { databaseName: 'inv' });
    const v = change!.value as { ddl: string; databaseName: string; source: Record<string, unknown>; tableChanges: Array<{ type: string; id: string; table: { columns: Array<{ name: string }>; primaryKeyColumnNames: string[] } }> };
    assert.equal(v.ddl, 'ALTER TABLE customers ADD COLUMN email VARCHAR(80)');
    assert.equal(v.databaseName, 'inv');
    assert.deepEqual([v.source.file, v.source.pos, v.source.gtid], [FILE, 2042, '0-1-2'], 'source.pos: the DDL statement\'s own query event');
    assert.deepEqual(v.tableChanges.map((c) => [c.type, c.id, c.table.columns.map((col) => col.name), c.table.primaryKeyColumnNames]),
      [['ALTER', '"inv"."customers"', ['id', 'name', 'email'], ['id']]]);
    assert.deepEqual(env(later!).after, { id: 2, name: 'b', email: 'b@example.com' });
    const fields = (later!.valueSchema!.fields ?? []).find((f) => f.field === 'after')!.fields!.map((f) => f.field);
    assert.deepEqual(fields, ['id', 'name', 'email']);
  });

  it('a dropped table is reported as DROP; the position moves past the DDL', async () => {
    const { dispatcher, out, reg } = setup();
    reg.catalog.delete('inv.customers');
    const t1 = tx(1);
    await dispatcher.deliver([ddl(t1, 1, 'DROP TABLE customers')]);
    const v = out.records()[0]!.value as { tableChanges: unknown[] };
    assert.deepEqual(v.tableChanges, [{ type: 'DROP', id: '"inv"."customers"', table: null }]);
    assert.deepEqual(dispatcher.position(), after(t1, 1));
    assert.deepEqual(out.records()[0]!.offset, {
      file: FILE, pos: 1500, gtids: '0-1-1', event: 0, row: 0, ts_sec: 1_700_000_001, server_id: 1, snapshot_completed: true,
    });
  });

  it('no schema change event for tables outside the filters, for TRUNCATE, or with include.schema.changes=false', async () => {
    const filtered = setup({ config: { 'table.include.list': 'inv\\.customers' } });
    await filtered.dispatcher.deliver([ddl(tx(1), 1, 'CREATE TABLE audit (id INT PRIMARY KEY)'), ddl(tx(2), 2, 'TRUNCATE TABLE customers')]);
    assert.equal(filtered.out.records().length, 0);
    assert.deepEqual(filtered.dispatcher.position(), after(tx(2), 2));

    const off = setup({ config: { 'include.schema.changes': 'false' } });
    off.reg.catalog.set('inv.customers', tableInfo('customers', WITH_EMAIL));
    await off.dispatcher.deliver([ddl(tx(1), 1, 'ALTER TABLE customers ADD COLUMN email VARCHAR(80)')]);
    assert.equal(off.out.records().length, 0);
    assert.deepEqual(off.reg.calls, ['refresh inv.customers'], 'the definition is still re-read');
  });
});

describe('MySQL stream dispatcher: rows that cannot be converted', () => {
  const PRICED: Col[] = [['id', 'int(11)', false], ['price', 'decimal(10,2)', true]];
  const priced = wire('prices', PRICED);
  const bad = [{ id: 1, price: '1.50' }, { id: 2, price: 'not a number' }, { id: 3, price: '3.00' }];

  it('fail (default): the delivery fails naming table and binlog position but no value, and nothing of the batch is sent', async () => {
    const { dispatcher, out } = setup({ tables: [tableInfo('prices', PRICED)] });
    const t1 = tx(1);
    const err = await dispatcher.deliver([rows(t1, 'c', bad, { table: priced }), commit(t1, 1)]).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof RowConversionError, String(err));
    assert.equal(err.retriable, false);
    assert.match(err.message, /shop\.inv\.prices/);
    assert.match(err.message, /mysql-bin\.000003:1000/);
    assert.doesNotMatch(err.message, /not a number/);
    assert.equal(out.records().length, 0);
  });

  for (const mode of ['warn', 'skip']) {
    it(`${mode}: the row is left out, the others are emitted`, async () => {
      const { dispatcher, out } = setup({ tables: [tableInfo('prices', PRICED)], config: { 'event.processing.failure.handling.mode': mode } });
      const t1 = tx(1);
      await dispatcher.deliver([rows(t1, 'c', bad, { table: priced }), commit(t1, 1)]);
      assert.deepEqual(out.records().map((r) => (r.key as { id: number }).id), [1, 3]);
    });
  }
});

describe('MySQL stream dispatcher: a delivery that fails part-way', () => {
  it('leaves position() at what was handed to the sink, so a reconnect re-reads the transactions of the failed batch', async () => {
    const orders: Col[] = [['id', 'int(11)', false]];
    const { dispatcher, out, reg } = setup();
    const t1 = tx(1);
    const t2 = tx(2);
    await dispatcher.deliver([rows(t1, 'c', [{ id: 1, name: 'a' }]), commit(t1, 1)]);
    const handed = dispatcher.position();
    // t2 changes a known table, t3 a table whose definition must be loaded: the server is gone by then
    reg.state.unreachable = true;
    const t3 = tx(3);
    const failed = dispatcher.deliver([
      rows(t2, 'c', [{ id: 2, name: 'b' }]), commit(t2, 2),
      rows(t3, 'c', [{ id: 9 }], { table: wire('orders', orders) }), commit(t3, 3),
    ]);
    await assert.rejects(failed, TransientError);
    assert.deepEqual(out.records().map((r) => (r.key as { id: number }).id), [1], 't2 was never sent');
    assert.deepEqual(dispatcher.position(), handed, 'a reconnect from here re-reads t2');
    assert.equal(dispatcher.rows, 1);
  });

  it('the same when re-reading a table definition after DDL fails, or the sink refuses the batch', async () => {
    const { dispatcher, out, reg } = setup();
    const t1 = tx(1);
    const start = dispatcher.position();
    reg.state.unreachable = true;
    await assert.rejects(dispatcher.deliver([
      rows(t1, 'c', [{ id: 1, name: 'a' }]), commit(t1, 1), ddl(tx(2), 2, 'ALTER TABLE customers ADD COLUMN email VARCHAR(80)'),
    ]), TransientError);
    assert.deepEqual(dispatcher.position(), start);

    reg.state.unreachable = false;
    out.failNextSend(new Error('task stopping'));
    await assert.rejects(dispatcher.deliver([rows(t1, 'c', [{ id: 1, name: 'a' }]), commit(t1, 1)]), /task stopping/);
    assert.deepEqual(dispatcher.position(), start);
    assert.equal(out.records().length, 0);
    // The retry delivers it
    await dispatcher.deliver([rows(t1, 'c', [{ id: 1, name: 'a' }]), commit(t1, 1)]);
    assert.deepEqual(out.records().map(summary), ['c {"id":1}']);
    assert.deepEqual(dispatcher.position(), after(t1, 1));
  });
});

describe('MySQL stream dispatcher: the signal table (ad-hoc snapshots)', () => {
  /** An incremental snapshot whose snapshotter records the calls and emits a prepared chunk at a close watermark. */
  function fakeIncremental(chunk: MySqlChunkRow[]) {
    const calls: string[] = [];
    let emit: MySqlChunkRow[] | null = null;
    const snapshotter = {
      onSignalRow(id: string, type: string, data: string | null) {
        calls.push(`signal ${id} ${type} ${data}`);
        if (type === 'snapshot-window-close') emit = chunk;
      },
      onChange(table: string, key: unknown[]) { calls.push(`change ${table} ${JSON.stringify(key)}`); },
      takeEmit() {
        const e = emit;
        emit = null;
        return e ? { rows: e } : null;
      },
      offsetFields: () => ({ incremental_snapshot_collections: '[{"incremental_snapshot_collections_id":"inv.customers"}]' }),
      current: 'inv.customers',
    } as unknown as IncrementalSnapshotter<MySqlChunkRow>;
    const incremental: MySqlIncremental = {
      snapshotter,
      signalTable: { database: 'inv', table: 'debezium_signal' },
      isSignalTable: (database, table) => database === 'inv' && table === 'debezium_signal',
      watched: (database, table) => (database === 'inv' && table === 'customers' ? ['id'] : null),
      close: () => {},
    };
    return { incremental, calls };
  }
  const SIGNAL: Col[] = [['id', 'varchar(42)', false], ['type', 'varchar(32)', false], ['data', 'varchar(2048)', true]];
  const signalWire = wire('debezium_signal', SIGNAL);

  it('inserts into the signal table go to the snapshotter and are never emitted; a closed chunk is emitted there as op r', async () => {
    const info = tableInfo('customers', CUSTOMERS);
    const chunk: MySqlChunkRow[] = [
      { info, raw: [5, 'e'], value: { id: 5, name: 'e' } },
      { info, raw: [6, 'f'], value: { id: 6, name: 'f' } },
    ];
    const { incremental, calls } = fakeIncremental(chunk);
    const { dispatcher, out } = setup({ tables: [info], extra: { incremental } });
    const t1 = tx(1);
    const t2 = tx(2);
    const t3 = tx(3);
    await dispatcher.deliver([
      rows(t1, 'c', [{ id: 'w1', type: 'snapshot-window-open', data: null }], { table: signalWire }), commit(t1, 1),
      rows(t2, 'u', [{ before: { id: 5, name: 'e' }, after: { id: 7, name: 'e' } }]), commit(t2, 2),
      rows(t3, 'c', [{ id: 'w1', type: 'snapshot-window-close', data: null }], { table: signalWire }), commit(t3, 3),
    ]);
    assert.deepEqual(calls, [
      'signal w1 snapshot-window-open null',
      'change inv.customers [5]',
      'change inv.customers [7]',
      'signal w1 snapshot-window-close null',
    ]);
    const records = out.records();
    assert.ok(records.every((r) => r.topic === 'shop.inv.customers'), 'nothing on a signal table topic');
    assert.deepEqual(records.map(summary), ['d {"id":5}', 'tombstone {"id":5}', 'c {"id":7}', 'r {"id":5}', 'r {"id":6}']);
    const read = env(records[3]!);
    assert.equal(read.source.snapshot, 'incremental');
    assert.equal(read.before, null);
    assert.deepEqual(read.after, { id: 5, name: 'e' });
    assert.equal(records.at(-1)!.offset!.incremental_snapshot_collections, '[{"incremental_snapshot_collections_id":"inv.customers"}]');
  });

  it('commands in the signal table are taken only with the source channel; watermarks always; updates and deletes never', async () => {
    const kafkaOnly = fakeIncremental([]);
    const a = setup({ config: { 'signal.enabled.channels': 'kafka' }, extra: { incremental: kafkaOnly.incremental } });
    const t1 = tx(1);
    await a.dispatcher.deliver([
      rows(t1, 'c', [
        { id: 'cmd-1', type: 'execute-snapshot', data: '{"data-collections":["inv.customers"]}' },
        { id: 'w2', type: 'snapshot-window-open', data: null },
      ], { table: signalWire }),
      rows(t1, 'd', [{ id: 'cmd-0', type: 'execute-snapshot', data: null }], { table: signalWire, event: 1 }),
      commit(t1, 1),
    ]);
    assert.deepEqual(kafkaOnly.calls, ['signal w2 snapshot-window-open null']);
    assert.equal(a.out.records().length, 0);

    const source = fakeIncremental([]);
    const b = setup({ extra: { incremental: source.incremental } });
    await b.dispatcher.deliver([
      rows(t1, 'c', [{ id: 'cmd-1', type: 'execute-snapshot', data: '{"data-collections":["inv.customers"]}' }], { table: signalWire }),
      commit(t1, 1),
    ]);
    assert.deepEqual(source.calls, ['signal cmd-1 execute-snapshot {"data-collections":["inv.customers"]}']);
  });
});
