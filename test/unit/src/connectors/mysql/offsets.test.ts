import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkServer, decodeOffset, derivedServerId, encodeOffset, globalPrivileges, MYSQL_CONFIG_DEF, mysqlSettings, OffsetFormatError,
  sourcePartition, type MySqlOffset,
} from '../../../../../src/connectors/mysql/index.js';
import { parseConfig } from '../../../../../src/connect-api/index.js';
import { emptyProgress } from '../../../../../snapshot/index.js';

const streaming: MySqlOffset = {
  position: { file: 'mariadb-bin.000007', pos: 1234, gtids: '0-1-99', event: 2, row: 17 },
  tsSec: 1_700_000_000,
  serverId: 1,
  snapshot: null,
  snapshotCompleted: true,
  tablePositions: null,
};

describe('MySQL offsets', () => {
  it('uses Debezium\'s partition and offset keys', () => {
    assert.deepEqual(sourcePartition('dbserver1'), { server: 'dbserver1' });
    assert.deepEqual(encodeOffset(streaming), {
      file: 'mariadb-bin.000007', pos: 1234, gtids: '0-1-99', event: 2, row: 17, ts_sec: 1_700_000_000, server_id: 1, snapshot_completed: true,
    });
  });

  it('round-trips streaming offsets, also through JSON', () => {
    assert.deepEqual(decodeOffset(encodeOffset(streaming)), streaming);
    assert.deepEqual(decodeOffset(JSON.parse(JSON.stringify(encodeOffset(streaming)))), streaming);
    const noGtids = { ...streaming, position: { ...streaming.position, gtids: null } };
    assert.equal('gtids' in encodeOffset(noGtids), false);
    assert.deepEqual(decodeOffset(encodeOffset(noGtids)), noGtids);
  });

  it('round-trips snapshot progress and per-table positions', () => {
    const progress = { ...emptyProgress(), done: ['db.a'], positions: { 'db.a': { file: 'f.000001', pos: 4, gtid: '0-1-3' } }, rowsDone: 10 };
    const during: MySqlOffset = { ...streaming, position: { ...streaming.position, event: 0, row: 0 }, snapshot: { progress }, snapshotCompleted: false };
    const encoded = encodeOffset(during);
    assert.equal(encoded.snapshot, true);
    assert.equal(encoded.snapshot_completed, false);
    assert.deepEqual(decodeOffset(JSON.parse(JSON.stringify(encoded))), during);
    const after: MySqlOffset = { ...streaming, tablePositions: progress.positions };
    assert.deepEqual(decodeOffset(JSON.parse(JSON.stringify(encodeOffset(after)))), after);
  });

  it('reads Debezium\'s own offsets (no event/row, no snapshot_completed) as streaming offsets', () => {
    const o = decodeOffset({ file: 'mysql-bin.000003', pos: 154, ts_sec: 1 });
    assert.deepEqual(o.position, { file: 'mysql-bin.000003', pos: 154, gtids: null, event: 0, row: 0 });
    assert.equal(o.snapshotCompleted, true);
    assert.equal(o.snapshot, null);
  });

  it('refuses malformed offsets with a fix', () => {
    assert.throws(() => decodeOffset({ lsn: 5 }), OffsetFormatError);
    assert.throws(() => decodeOffset({ file: 'f', pos: -1 }), /"file" and "pos" are required/);
    assert.throws(() => decodeOffset({ file: 'f', pos: 1, snapshot: true, snapshot_progress: { v: 9 } }), /snapshot_progress/);
    try {
      decodeOffset({});
    } catch (err) {
      assert.match((err as OffsetFormatError).fix ?? '', /Reset the connector's offsets/);
    }
  });
});

describe('MySQL connector config', () => {
  const base = { 'database.hostname': 'db', 'database.user': 'u', 'topic.prefix': 'srv' };

  it('applies Debezium\'s defaults', () => {
    const parsed = parseConfig(MYSQL_CONFIG_DEF, base);
    assert.deepEqual(parsed.errors, {});
    const s = mysqlSettings(parsed.settings, 'conn');
    assert.equal(s.connection.port, 3306);
    assert.equal(s.snapshotMode, 'initial');
    assert.equal(s.tombstonesOnDelete, true);
    assert.deepEqual([...s.skipped], ['t']);
    assert.deepEqual(s.modes, { decimal: 'precise', time: 'adaptive_time_microseconds', bigintUnsigned: 'long', binary: 'bytes' });
    assert.equal(s.heartbeatTopic, '__debezium-heartbeat.srv');
    assert.equal(s.serverId, derivedServerId('conn'));
    assert.ok(s.serverId >= 10000);
  });

  it('accepts snapshot.mode aliases and the tutorial\'s schema history keys (as warnings)', () => {
    for (const alias of ['schema_only', 'never', 'NO_DATA']) {
      assert.equal(parseConfig(MYSQL_CONFIG_DEF, { ...base, 'snapshot.mode': alias }).settings['snapshot.mode'], 'no_data');
    }
    const parsed = parseConfig(MYSQL_CONFIG_DEF, {
      ...base, 'schema.history.internal.kafka.bootstrap.servers': 'kafka:9092', 'schema.history.internal.kafka.topic': 'schema-changes.inventory',
    });
    assert.deepEqual(parsed.errors, {});
    assert.deepEqual(Object.keys(parsed.warnings).sort(), ['schema.history.internal.kafka.bootstrap.servers', 'schema.history.internal.kafka.topic']);
  });

  it('rejects bad keys and combinations', () => {
    const parsed = parseConfig(MYSQL_CONFIG_DEF, {
      ...base, 'snapshot.mode': 'sometimes', 'table.include.list': 'a.b', 'table.exclude.list': 'a.c', 'max.queue.size': '10',
      'topic.prefix': 'bad prefix!', 'database.hostnme': 'x',
    });
    assert.match(parsed.errors['snapshot.mode']![0]!, /String must be one of/);
    assert.match(parsed.errors['table.include.list']![0]!, /Cannot be set together with "table.exclude.list"/);
    assert.match(parsed.errors['max.queue.size']![0]!, /Must be larger than max.batch.size/);
    assert.match(parsed.errors['topic.prefix']![0]!, /Must contain only ASCII alphanumerics/);
    assert.match(parsed.warnings['database.hostnme']!, /did you mean "database.hostname"/);
    assert.match(parseConfig(MYSQL_CONFIG_DEF, {})['errors']['topic.prefix']![0]!, /Missing required configuration "topic.prefix"/);
  });
});

describe('MySQL server prerequisites', () => {
  const info = (vars: Record<string, string>) => ({
    flavour: 'mariadb' as const, version: '10.11.9-MariaDB',
    variables: { log_bin: 'ON', binlog_format: 'ROW', binlog_row_image: 'FULL', binlog_row_metadata: 'FULL', ...vars },
  });
  const allGrants = ["GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `cdc`@`%`"];

  it('passes a correctly configured server', () => {
    assert.deepEqual(checkServer(info({}), allGrants, 'cdc'), []);
    assert.deepEqual(checkServer(info({}), ['GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION'], 'root'), []);
  });

  it('names each wrong setting and how to fix it', () => {
    const [p] = checkServer(info({ binlog_format: 'MIXED' }), allGrants, 'cdc');
    assert.equal(p!.code, 'MYSQL_BINLOG_MISCONFIGURED');
    assert.equal(p!.message, 'The server runs with binlog_format=MIXED, but the connector needs binlog_format=ROW: only row-based events carry the changed rows.');
    assert.match(p!.fix, /SET GLOBAL binlog_format=ROW/);
    assert.equal(checkServer(info({ binlog_row_image: 'MINIMAL', binlog_row_metadata: 'NO_LOG' }), allGrants, 'cdc').length, 2);
    assert.equal(checkServer(info({ log_bin: 'OFF' }), allGrants, 'cdc')[0]!.code, 'MYSQL_BINLOG_OFF');
  });

  it('lists missing privileges with the GRANT to run', () => {
    const [p] = checkServer(info({}), ['GRANT USAGE ON *.* TO `cdc`@`%`', 'GRANT SELECT ON `shop`.* TO `cdc`@`%`'], 'cdc');
    assert.equal(p!.key, 'database.user');
    assert.equal(p!.message, "User 'cdc' lacks the privileges REPLICATION SLAVE, BINLOG MONITOR needed to read the binlog and the captured tables.");
    assert.equal(p!.fix, "Run GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'cdc'@'%' (or the user's host); SELECT may be granted per captured database instead.");
    assert.deepEqual([...globalPrivileges(['GRANT RELOAD, REPLICATION CLIENT ON *.* TO x']).privileges], ['RELOAD', 'REPLICATION CLIENT']);
  });
});
