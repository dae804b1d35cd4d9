import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../../../src/connect-api/index.js';
import { pgSettings, postgresConfigDef, postgresConnectorPlugin } from '../../../../../src/connectors/postgres/index.js';

const minimal = { 'database.hostname': 'db', 'database.user': 'u', 'database.dbname': 'inventory', 'topic.prefix': 'srv' };
const parse = (extra: Record<string, string> = {}) => parseConfig(postgresConfigDef, { ...minimal, ...extra });

describe('PostgreSQL connector config', () => {
  it('registers as Debezium\'s class with the postgres alias and one task', () => {
    assert.equal(postgresConnectorPlugin.className, 'io.debezium.connector.postgresql.PostgresConnector');
    assert.ok(postgresConnectorPlugin.aliases.includes('postgres'));
    assert.equal(postgresConnectorPlugin.taskConfigs({ a: 'b' }, 5).length, 1);
  });

  it('has Debezium\'s defaults', () => {
    const p = parse();
    assert.deepEqual(p.errors, {});
    const s = pgSettings(p.settings, 'inv');
    assert.deepEqual(s.connection, { host: 'db', port: 5432, user: 'u', database: 'inventory', tls: { mode: 'prefer' }, applicationName: 'tscdc/inv' });
    assert.equal(s.slotName, 'debezium');
    assert.equal(s.publicationName, 'dbz_publication');
    assert.equal(s.publicationAutocreateMode, 'all_tables');
    assert.equal(s.snapshotMode, 'initial');
    assert.equal(s.snapshotFetchSize, 10240);
    assert.equal(s.slotDropOnStop, false);
    assert.equal(s.tombstonesOnDelete, true);
    assert.deepEqual([...s.skippedOperations], ['t'], 'truncates are skipped by default, as in Debezium');
    assert.deepEqual(s.mapping, {
      decimalMode: 'precise', timePrecisionMode: 'adaptive', intervalMode: 'numeric', hstoreMode: 'json', binaryMode: 'bytes',
      unavailablePlaceholder: '__debezium_unavailable_value', moneyFractionDigits: 2,
    });
    assert.equal(s.heartbeatTopic, '__debezium-heartbeat.srv');
  });

  it('accepts schema_only as no_data, none as no skipped operations, and maps sslmode', () => {
    const s = pgSettings(parse({ 'snapshot.mode': 'schema_only', 'skipped.operations': 'none', 'database.sslmode': 'require', 'database.password': 'pw' }).settings);
    assert.equal(s.snapshotMode, 'no_data');
    assert.equal(s.skippedOperations.size, 0);
    assert.deepEqual(s.connection.tls, { mode: 'require' });
    assert.equal(s.connection.password, 'pw');
    assert.deepEqual(pgSettings(parse({ 'database.sslmode': 'verify-full', 'database.sslrootcert': 'system' }).settings).connection.tls,
      { mode: 'verify-full', rootCert: 'system' });
  });

  it('refuses other decoding plugins, unknown skipped operations and include+exclude lists together', () => {
    const e = parse({ 'plugin.name': 'wal2json', 'skipped.operations': 'c,x', 'table.include.list': 'a.b', 'table.exclude.list': 'a.c' }).errors;
    assert.match(e['plugin.name']![0]!, /Only the pgoutput logical decoding plugin is supported/);
    assert.match(e['skipped.operations']![0]!, /Unknown operation\(s\) x/);
    assert.match(e['table.include.list']![0]!, /"table.exclude.list" cannot be used with it/);
  });
});
