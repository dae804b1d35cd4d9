/**
 * Records as our connectors emit them (Debezium envelopes, their tombstones, schema-change and heartbeat
 * records) and a way to configure a plugin the way the runtime will: ConfigDef parse, the plugin's own checks,
 * then create.
 */
import assert from 'node:assert/strict';
import {
  binlogSourceSchema, connectDateSchema, connectTimestampSchema, DEBEZIUM_VERSION, envelopeSchema, field, heartbeatKeySchema,
  heartbeatValueSchema, int32, int64, keySchema, makeEnvelope, postgresSourceSchema, rowSchema, schemaChangeKeySchema,
  schemaChangeValueSchema, string, type ConnectSchema,
} from '../../../../../schemas/index.js';
import { parseConfig } from '../../../../../src/connect-api/config-validation.js';
import type { PredicatePlugin, TransformationPlugin } from '../../../../../src/transforms/types.js';
import type { ChangeRecord } from '../../../../../src/transforms/types.js';
import { kafkaPredicates, kafkaTransformations } from '../../../../../src/transforms/kafka/index.js';

export function transformation(className: string): TransformationPlugin {
  const found = kafkaTransformations.find((p) => p.className === `org.apache.kafka.connect.transforms.${className}`);
  assert.ok(found, `no plugin ${className}`);
  return found;
}

export function predicate(simpleName: string): PredicatePlugin {
  const found = kafkaPredicates.find((p) => p.className === `org.apache.kafka.connect.transforms.predicates.${simpleName}`);
  assert.ok(found, `no predicate ${simpleName}`);
  return found;
}

/** Errors per key: the ConfigDef's (Connect-worded) and the plugin's own checks. */
export function configErrors(plugin: TransformationPlugin | PredicatePlugin, props: Record<string, string>): Record<string, string[]> {
  const parsed = parseConfig(plugin.configDef, props);
  const errors: Record<string, string[]> = { ...parsed.errors };
  if (Object.keys(errors).length === 0) {
    for (const [k, v] of Object.entries(plugin.validate?.({ settings: parsed.settings, props }) ?? {})) errors[k] = [...(errors[k] ?? []), ...v];
  }
  return errors;
}

/** A configured transform; fails the test when the config is refused. */
export function configure(className: string, props: Record<string, string> = {}) {
  const plugin = transformation(className);
  assert.deepEqual(configErrors(plugin, props), {}, `config of ${className} refused`);
  return plugin.create({ settings: parseConfig(plugin.configDef, props).settings, props });
}

export function configurePredicate(simpleName: string, props: Record<string, string> = {}) {
  const plugin = predicate(simpleName);
  assert.deepEqual(configErrors(plugin, props), {}, `config of ${simpleName} refused`);
  return plugin.create({ settings: parseConfig(plugin.configDef, props).settings, props });
}

/** Applies a transform that must not drop the record. */
export function run(t: { apply(r: ChangeRecord): ChangeRecord | null }, record: ChangeRecord): ChangeRecord {
  const out = t.apply(record);
  assert.ok(out, 'record was dropped');
  return out;
}

export const TOPIC = 'dbserver1.inventory.customers';

/** inventory.customers from Debezium's tutorial, as our PostgreSQL connector shapes it. */
export const customers = (() => {
  const id = field('id', int32());
  const row = rowSchema(TOPIC, [
    id,
    field('first_name', string()),
    field('email', string({ optional: true })),
    field('status', string({ optional: true, default: 'active' })),
    field('born', connectDateSchema({ optional: true })),
    field('updated_at', connectTimestampSchema({ optional: true })),
  ]);
  return { key: keySchema(TOPIC, [id]), row, envelope: envelopeSchema(TOPIC, row, postgresSourceSchema()) };
})();

export const source = {
  version: DEBEZIUM_VERSION, connector: 'postgresql', name: 'dbserver1', ts_ms: 1_706_700_000_000, snapshot: 'false', db: 'postgres',
  sequence: '["1","2"]', ts_us: 1_706_700_000_000_000, ts_ns: 1_706_700_000_000_000_000n, schema: 'inventory', table: 'customers',
  txId: 780, lsn: 34389336, xmin: null, origin: null, origin_lsn: null,
};

export function customerRow(id: number, email: string | null = `c${id}@example.com`) {
  return { id, first_name: `Name${id}`, email, status: null, born: 19_000, updated_at: 1_706_700_000_123 };
}

/** A change event of inventory.customers. */
export function change(op: 'c' | 'u' | 'd' | 'r', id: number, extra: Partial<ChangeRecord> = {}): ChangeRecord {
  const before = op === 'c' || op === 'r' ? null : customerRow(id, 'old@example.com');
  const after = op === 'd' ? null : customerRow(id);
  return {
    topic: TOPIC, keySchema: customers.key, key: { id }, valueSchema: customers.envelope,
    value: makeEnvelope(before, after, source, op, 1_706_700_000_500), ...extra,
  };
}

/** The tombstone Debezium sends after a delete: the key, and no value or value schema. */
export function tombstone(id: number): ChangeRecord {
  return { topic: TOPIC, keySchema: customers.key, key: { id }, valueSchema: null, value: null };
}

const binlogSource = binlogSourceSchema('mysql');

export function schemaChange(): ChangeRecord {
  return {
    topic: 'dbserver1', keySchema: schemaChangeKeySchema('mysql'), key: { databaseName: 'inventory' },
    valueSchema: schemaChangeValueSchema('mysql', binlogSource),
    value: {
      source: { ...source, connector: 'mysql', table: 'customers', server_id: 1, gtid: null, file: 'binlog.000003', pos: 100, row: 0, thread: null, query: null },
      ts_ms: 1_706_700_000_500, databaseName: 'inventory', schemaName: null, ddl: 'ALTER TABLE customers ADD COLUMN x INT', tableChanges: [],
    },
  };
}

export function heartbeat(): ChangeRecord {
  return {
    topic: '__debezium-heartbeat.dbserver1', keySchema: heartbeatKeySchema, key: { serverName: 'dbserver1' },
    valueSchema: heartbeatValueSchema, value: { ts_ms: 1_706_700_000_500 },
  };
}

/** A schemaless (JSON without schemas) record. */
export function schemaless(value: unknown, key: unknown = null): ChangeRecord {
  return { topic: 'json-topic', keySchema: null, key, valueSchema: null, value };
}

export const fieldNames = (s: ConnectSchema | null) => (s?.fields ?? []).map((f) => f.field);
export { int64 };
