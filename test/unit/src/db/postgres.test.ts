import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PG_SESSION_SETTINGS, pgDriverConfig, quoteLiteral } from '../../../../src/db/postgres.js';

test('every connection, plain or replication, starts with the session settings that make query and pgoutput text alike', () => {
  const config = { host: 'h', port: 5432, user: 'u', database: 'd' };
  for (const replication of [false, true]) {
    const driver = pgDriverConfig(config, replication) as { options?: string; replication?: string; connectionTimeoutMillis?: number };
    for (const [k, v] of Object.entries(PG_SESSION_SETTINGS)) assert.ok(driver.options?.includes(`-c ${k}=${v}`), `${k}=${v} missing from ${driver.options}`);
    assert.equal(driver.replication, replication ? 'database' : undefined);
    assert.equal(driver.connectionTimeoutMillis, 30_000, 'Debezium\'s connect.timeout.ms default');
  }
  assert.equal(PG_SESSION_SETTINGS.TimeZone, 'UTC');
  assert.equal(quoteLiteral("it's"), "'it''s'");
});
