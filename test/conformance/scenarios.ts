/**
 * The conformance scenarios, as data: shared by the recorder (scripts/debezium-golden/record.ts, which runs them
 * against real Debezium in Kafka Connect and writes test/fixtures/debezium/) and by our side
 * (test/conformance/run.ts, which replays them against our worker and compares).
 *
 * Every name is fixed (database, schema, tables, topic prefix, slot) so that the two outputs can be compared
 * record by record: each run starts from a freshly dropped and recreated database.
 *
 * A scenario: `setup` runs in the fresh database before the connector starts (the snapshot sees its rows); once
 * the snapshot is in (`snapshotTopics` each hold `snapshotRows` records), `steps` run in order, one connection,
 * each statement on its own; then `sentinel` runs and the capture waits for the record it produces.
 */

export type ConnectorKind = 'mariadb' | 'postgres';

export interface Step {
  name: string;
  sql: string[];
}

export interface Scenario {
  kind: ConnectorKind;
  /** Fixture file name: test/fixtures/debezium/<kind>/<name>.jsonl */
  name: string;
  /** MariaDB database / PostgreSQL database (dropped and recreated for every run). */
  database: string;
  /** Statements run once per connection before anything else (time zone). */
  session: string[];
  setup: string[];
  /** Snapshot done when each topic holds at least this many records. */
  snapshotRows: Record<string, number>;
  steps: Step[];
  /** Runs last; the capture is complete once `topic` has a record whose `after.id` is `id` (and the topics are quiet). */
  sentinel: { topic: string; id: number; sql: string[] };
}

export const TOPIC_PREFIX = 'golden';
export const PG_SLOT = 'golden_slot';
export const PG_PUBLICATION = 'golden_pub';

// ---------------------------------------------------------------------------------------------------------------
// MariaDB

const MDB = 'conformance';

const MARIADB_WIDE = `CREATE TABLE wide (
  id INT NOT NULL PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  b1 BOOLEAN, bit1 BIT(1), bit12 BIT(12), bit64 BIT(64),
  dec_small DECIMAL(5,2), dec_big DECIMAL(65,30), dec_int DECIMAL(10,0) UNSIGNED, f FLOAT, f_md FLOAT(7,3), d DOUBLE, d_md DOUBLE(12,4),
  c CHAR(10), vc VARCHAR(100), vlatin VARCHAR(20) CHARACTER SET latin1, tt TINYTEXT, t TEXT, mt MEDIUMTEXT, lt LONGTEXT,
  bin BINARY(4), vbin VARBINARY(10), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  dt DATE, tm0 TIME, tm3 TIME(3), tm6 TIME(6),
  dtm0 DATETIME, dtm1 DATETIME(1), dtm3 DATETIME(3), dtm6 DATETIME(6),
  ts0 TIMESTAMP NULL, ts3 TIMESTAMP(3) NULL, ts6 TIMESTAMP(6) NULL,
  yr YEAR, e ENUM('small','medium','large'), st SET('a','b','c'), j JSON,
  u UUID, pt POINT,
  def_int INT NOT NULL DEFAULT 42, def_big BIGINT DEFAULT 7000000000, def_str VARCHAR(20) DEFAULT 'hello', def_dec DECIMAL(6,2) DEFAULT 3.50,
  def_dbl DOUBLE DEFAULT 1.25, def_bool BOOLEAN NOT NULL DEFAULT TRUE, def_enum ENUM('x','y') NOT NULL DEFAULT 'y',
  def_dt DATE DEFAULT '2020-02-29', def_dtm DATETIME(3) DEFAULT '2020-01-02 03:04:05.678',
  def_ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, def_ts_null TIMESTAMP(6) NULL DEFAULT NULL
)`;

const WIDE_COLS = `id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, b1, bit1, bit12, bit64,
  dec_small, dec_big, dec_int, f, f_md, d, d_md, c, vc, vlatin, tt, t, mt, lt, bin, vbin, tb, bl, mb, lb,
  dt, tm0, tm3, tm6, dtm0, dtm1, dtm3, dtm6, ts0, ts3, ts6, yr, e, st, j, u, pt, def_ts`;

/** Maximum values, unicode, fractions (def_ts explicit: CURRENT_TIMESTAMP would differ between runs). */
const mdbMaxRow = (id: number) => `(${id}, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
  1, b'1', b'101100000001', x'FFFFFFFFFFFFFFFE',
  999.99, 12345678901234567890123456789012345.123456789012345678901234567890, 4294967295, 3.14159274, 1234.567, 1.7976931348623157e308, 12345678.1234,
  'abc', 'héllo wörld 😀 ✓', 'café', 'tiny', 'text ☃', 'medium', 'long 🎉',
  x'01020304', x'00ff', x'7f', x'deadbeef', x'cafe', x'babe',
  '2024-02-29', '12:34:56', '-838:59:59.000', '23:59:59.999999',
  '9999-12-31 23:59:59', '2024-01-01 00:00:00.5', '2024-01-01 12:00:00.123', '1000-01-01 00:00:00.000001',
  '2038-01-19 03:14:07', '2024-03-01 10:00:00.250', '2024-03-01 10:00:00.000000', 2155, 'large', 'a,c', '{"k": [1, 2.5, "x"], "n": null}',
  '123e4567-e89b-12d3-a456-426614174000', ST_GeomFromText('POINT(1.5 -2)'), '2024-05-06 07:08:09')`;

/** Minimum values and negative numbers. */
const mdbMinRow = (id: number) => `(${id}, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
  0, b'0', b'0', b'0',
  -999.99, -0.000000000000000000000000000001, 0, -1.5e-10, -0.001, -2.2250738585072014e-308, -0.5,
  '', '', '', '', '', '', '',
  x'00000000', x'', x'', x'', x'', x'',
  '1000-01-01', '00:00:00', '838:59:59.999', '-00:00:01.000001',
  '1000-01-01 00:00:00', '1970-01-01 00:00:00.0', '1970-01-01 00:00:00.001', '2000-02-29 23:59:59.999999',
  '1970-01-01 00:00:01', '1999-12-31 23:59:59.999', '2000-01-01 00:00:00.000001', 1901, 'small', '', '[]',
  '00000000-0000-0000-0000-000000000000', ST_GeomFromText('POINT(0 0)'), '1999-01-01 00:00:00')`;

/** NULL everywhere it may be; the defaults left to the server except def_ts (CURRENT_TIMESTAMP would differ between runs). */
const mdbNullRow = (id: number) => `INSERT INTO wide (id, def_ts) VALUES (${id}, '2001-02-03 04:05:06')`;

export const mariadbScenario: Scenario = {
  kind: 'mariadb',
  name: 'wide',
  database: MDB,
  session: ["SET time_zone = '+00:00'", "SET sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'"],
  setup: [
    MARIADB_WIDE,
    'CREATE TABLE small (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL, qty INT DEFAULT 0)',
    'CREATE TABLE nokey (a INT, b VARCHAR(10))',
    `INSERT INTO wide (${WIDE_COLS}) VALUES ${mdbMaxRow(1)}, ${mdbMinRow(2)}`,
    mdbNullRow(3),
    "INSERT INTO small (id, name, qty) VALUES (1, 'one', 1), (2, 'two', 2)",
    "INSERT INTO nokey VALUES (1, 'first')",
  ],
  snapshotRows: { [`${TOPIC_PREFIX}.${MDB}.wide`]: 3, [`${TOPIC_PREFIX}.${MDB}.small`]: 2, [`${TOPIC_PREFIX}.${MDB}.nokey`]: 1 },
  steps: [
    { name: 'insert', sql: [`INSERT INTO wide (${WIDE_COLS}) VALUES ${mdbMaxRow(10)}`, mdbNullRow(12)] },
    { name: 'update', sql: ["UPDATE wide SET vc = 'updated ✓', f = 0.1, d = 0.1, ts6 = '2024-03-01 10:00:00.100000', j = '{}' WHERE id = 10"] },
    { name: 'primary key change', sql: ['UPDATE wide SET id = 11 WHERE id = 10'] },
    { name: 'delete', sql: ['DELETE FROM wide WHERE id = 11'] },
    {
      name: 'transaction over two tables',
      sql: ['START TRANSACTION', `INSERT INTO wide (${WIDE_COLS}) VALUES ${mdbMinRow(20)}`, "UPDATE small SET qty = qty + 10 WHERE id = 1", "INSERT INTO small (id, name) VALUES (3, 'three')", 'COMMIT'],
    },
    { name: 'add column with default', sql: ["ALTER TABLE small ADD COLUMN extra VARCHAR(10) DEFAULT 'x'", "INSERT INTO small (id, name) VALUES (4, 'four')"] },
    {
      name: 'keyless table',
      sql: ["INSERT INTO nokey VALUES (2, 'second')", "UPDATE nokey SET b = 'changed' WHERE a = 2", 'DELETE FROM nokey WHERE a = 1'],
    },
  ],
  sentinel: { topic: `${TOPIC_PREFIX}.${MDB}.small`, id: 9999, sql: ["INSERT INTO small (id, name) VALUES (9999, 'end')"] },
};

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

const PGDB = 'conformance';

const PG_WIDE = `CREATE TABLE wide (
  id integer PRIMARY KEY,
  si smallint, i integer, bi bigint, num numeric(10,3), num_free numeric, r real, dp double precision, m money,
  b boolean, c char(5), vc varchar(50), t text, ba bytea,
  d date, tm time, tm3 time(3), ttz timetz, ts timestamp, ts0 timestamp(0), ts3 timestamp(3), tstz timestamptz, tstz0 timestamptz(0),
  iv interval, u uuid, j json, jb jsonb, x xml, ip inet, cid cidr, mac macaddr,
  ia integer[], ta text[], mo mood, bt bit(4), vb varbit(8), tsv tsvector, pt point,
  def_int integer NOT NULL DEFAULT 42, def_neg bigint DEFAULT -7, def_str varchar(20) DEFAULT 'hello', def_num numeric(6,2) DEFAULT 3.50,
  def_dbl double precision DEFAULT 1.25, def_bool boolean NOT NULL DEFAULT true, def_mood mood DEFAULT 'ok',
  def_date date DEFAULT '2020-02-29', def_ts timestamptz NOT NULL DEFAULT now()
)`;

const PG_WIDE_COLS = `id, si, i, bi, num, num_free, r, dp, m, b, c, vc, t, ba, d, tm, tm3, ttz, ts, ts0, ts3, tstz, tstz0,
  iv, u, j, jb, x, ip, cid, mac, ia, ta, mo, bt, vb, tsv, pt, def_ts`;

const pgMaxRow = (id: number) => `(${id}, 32767, 2147483647, 9223372036854775807, 1234567.891, 3.14159265358979323846, 3.4028235e38, 1.7976931348623157e308, 1234.56,
  true, 'ab', 'héllo wörld 😀 ✓', 'text ☃', '\\x00ff10',
  '2024-02-29', '13:45:30.123456', '13:45:30.123', '13:45:30.5+02', '2024-02-29 13:45:30.123456', '2024-02-29 13:45:30', '2024-02-29 13:45:30.123',
  '2024-02-29 13:45:30.5+01', '2024-02-29 13:45:30+00',
  '1 year 2 mons 3 days 04:05:06.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"b": 1, "a": 2}', '<a>1</a>',
  '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '{1,NULL,3}', '{"a,b",c}', 'happy', B'1010', B'101', 'a fat cat', '(1.5,-2)', '2024-05-06 07:08:09+00')`;

const pgSpecialRow = (id: number) => `(${id}, -32768, -2147483648, -9223372036854775808, -0.001, 'NaN', 'NaN', 'Infinity', -0.01,
  false, '', '', '', '\\x',
  'infinity', '00:00:00', '23:59:59.999', '00:00:00+00', '-infinity', '1970-01-01 00:00:00', '1969-12-31 23:59:59.999',
  'infinity', '2000-01-01 00:00:00+14',
  '-3 days -00:00:01', '00000000-0000-0000-0000-000000000000', '[]', '{}', '<x/>',
  '::1', '::/0', '00:00:00:00:00:00', '{}', '{}', 'sad', B'0000', B'', '', '(0,0)', '1999-01-01 00:00:00+00')`;

const pgInfinityRow = (id: number) => `INSERT INTO wide (id, num_free, r, dp, d, ts, tstz, def_ts) VALUES (${id}, 'Infinity', '-Infinity', '-Infinity', '-infinity', 'infinity', '-infinity', '2001-02-03 04:05:06+00')`;

/** NULL where it may be; the defaults left to the server except def_ts (now() would differ between runs). */
const pgNullRow = (id: number) => `INSERT INTO wide (id, def_ts) VALUES (${id}, '2001-02-03 04:05:06+00')`;

export const postgresScenario: Scenario = {
  kind: 'postgres',
  name: 'wide',
  database: PGDB,
  session: ["SET TimeZone = 'UTC'"],
  setup: [
    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
    PG_WIDE,
    'CREATE TABLE small (id integer PRIMARY KEY, name varchar(20) NOT NULL, qty integer DEFAULT 0)',
    'CREATE TABLE nokey (a integer, b varchar(10))',
    'ALTER TABLE nokey REPLICA IDENTITY FULL',
    `INSERT INTO wide (${PG_WIDE_COLS}) VALUES ${pgMaxRow(1)}, ${pgSpecialRow(2)}`,
    pgNullRow(3),
    pgInfinityRow(4),
    "INSERT INTO small (id, name, qty) VALUES (1, 'one', 1), (2, 'two', 2)",
    "INSERT INTO nokey VALUES (1, 'first')",
  ],
  snapshotRows: { [`${TOPIC_PREFIX}.public.wide`]: 4, [`${TOPIC_PREFIX}.public.small`]: 2, [`${TOPIC_PREFIX}.public.nokey`]: 1 },
  steps: [
    { name: 'insert', sql: [`INSERT INTO wide (${PG_WIDE_COLS}) VALUES ${pgMaxRow(10)}, ${pgSpecialRow(12)}`, pgNullRow(13), pgInfinityRow(14)] },
    { name: 'update', sql: ["UPDATE wide SET vc = 'updated ✓', r = 0.1, dp = 0.1, iv = '-1 mons 2 days', tstz = '2024-03-01 10:00:00.100000+00' WHERE id = 10"] },
    { name: 'primary key change', sql: ['UPDATE wide SET id = 11 WHERE id = 10'] },
    { name: 'delete', sql: ['DELETE FROM wide WHERE id = 11'] },
    {
      name: 'transaction over two tables',
      sql: ['BEGIN', `INSERT INTO wide (${PG_WIDE_COLS}) VALUES ${pgSpecialRow(20)}`, 'UPDATE small SET qty = qty + 10 WHERE id = 1', "INSERT INTO small (id, name) VALUES (3, 'three')", 'COMMIT'],
    },
    { name: 'add column with default', sql: ["ALTER TABLE small ADD COLUMN extra varchar(10) DEFAULT 'x'", "INSERT INTO small (id, name) VALUES (4, 'four')"] },
    {
      name: 'keyless table',
      sql: ["INSERT INTO nokey VALUES (2, 'second')", "UPDATE nokey SET b = 'changed' WHERE a = 2", 'DELETE FROM nokey WHERE a = 1'],
    },
  ],
  sentinel: { topic: `${TOPIC_PREFIX}.public.small`, id: 9999, sql: ["INSERT INTO small (id, name) VALUES (9999, 'end')"] },
};

export const SCENARIOS: Record<ConnectorKind, Scenario> = { mariadb: mariadbScenario, postgres: postgresScenario };

/** The topics a run of `kind` owns (all deleted before a run; all captured after it). */
export function ownsTopic(topic: string): boolean {
  return topic === TOPIC_PREFIX || topic.startsWith(`${TOPIC_PREFIX}.`);
}
