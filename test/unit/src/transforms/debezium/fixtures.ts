/**
 * Change records as our connectors emit them (through the shared change emitter, with the MySQL and PostgreSQL
 * source blocks), and plugin configs parsed as the runtime parses them.
 */
import assert from 'node:assert/strict';
import { parseConfig } from '../../../../../src/connect-api/index.js';
import type { ChangeRecord } from '../../../../../src/connect-api/index.js';
import { createChangeEmitter, type ChangeEmitter, type EmitterTable } from '../../../../../src/connectors/shared/change-emitter.js';
import { createTransactionMonitor } from '../../../../../src/connectors/shared/transaction-monitor.js';
import type { PluginConfig, TransformationPlugin } from '../../../../../src/transforms/types.js';
import {
  binlogSourceSchema, envelopeSchema, field, int32, int64, keySchema, postgresSourceSchema, rowSchema, string,
  type BinlogSourceValue, type ConnectSchema, type PostgresSourceValue,
} from '../../../../../schemas/index.js';

export const NOW = 1_700_000_000_123;

export interface Table extends EmitterTable {
  row: ConnectSchema;
}

/** A customers table (id key, name, status with a default, region) on `topic`. */
export function customersTable(topic: string, dataCollection: string, source: ConnectSchema, keyed = true): Table {
  const row = rowSchema(topic, [
    field('id', int32()),
    field('name', string({ optional: true })),
    field('status', string({ optional: true, default: 'new' })),
    field('region', string({ optional: true })),
  ]);
  return {
    topic, dataCollection, row,
    keySchema: keyed ? keySchema(topic, [field('id', int32())]) : null,
    envelope: envelopeSchema(topic, row, source),
  };
}

export const mysqlSourceSchema = binlogSourceSchema('mysql');
export const pgSourceSchema = postgresSourceSchema();

/** `srv.inventory.customers` on MySQL. */
export const mysqlCustomers = customersTable('srv.inventory.customers', 'inventory.customers', mysqlSourceSchema);
/** `pg.public.customers` on PostgreSQL. */
export const pgCustomers = customersTable('pg.public.customers', 'public.customers', pgSourceSchema);

export function mysqlSource(table = 'customers'): BinlogSourceValue {
  return {
    version: '3.6.1.Final', connector: 'mysql', name: 'srv', ts_ms: NOW - 5, snapshot: 'false', db: 'inventory',
    sequence: null, ts_us: (NOW - 5) * 1000, ts_ns: BigInt(NOW - 5) * 1_000_000n,
    table, server_id: 1, gtid: null, file: 'binlog.000003', pos: 4711, row: 0, thread: 7, query: null,
  };
}

export function pgSource(): PostgresSourceValue {
  return {
    version: '3.6.1.Final', connector: 'postgresql', name: 'pg', ts_ms: NOW - 5, snapshot: 'false', db: 'shop',
    sequence: '["100","200"]', ts_us: (NOW - 5) * 1000, ts_ns: BigInt(NOW - 5) * 1_000_000n,
    schema: 'public', table: 'customers', txId: 555, lsn: 33_816_960, xmin: null, origin: null, origin_lsn: null,
  };
}

export type Row = Record<string, unknown>;
export const alice: Row = { id: 1, name: 'alice', status: 'active', region: 'eu' };
export const alice2: Row = { id: 1, name: 'alice b', status: null, region: 'us' };

/** Records of the emitter calls in `emit`, with tombstones on delete unless `tombstones: false`. */
export function emitted(emit: (e: ChangeEmitter, out: ChangeRecord[]) => void, opts: { tombstones?: boolean; transactions?: boolean } = {}): ChangeRecord[] {
  const out: ChangeRecord[] = [];
  const transactions = opts.transactions ? createTransactionMonitor({ topic: 'srv.transaction' }) : undefined;
  const e = createChangeEmitter({ tombstonesOnDelete: opts.tombstones ?? true, skipped: new Set(), transactions });
  transactions?.start('tx-1', NOW);
  emit(e, out);
  transactions?.end(out);
  return out;
}

/** Parses `props` with the plugin's ConfigDef, as the runtime does; fails the test on errors. */
export function configOf(plugin: TransformationPlugin, props: Record<string, string> = {}): PluginConfig {
  const { settings, errors } = parseConfig(plugin.configDef, props);
  const all = { ...errors, ...plugin.validate?.({ settings, props }) };
  assert.deepEqual(all, {}, 'config is valid');
  return { settings, props };
}

/** The errors the runtime would report for `props` (ConfigDef checks, then the plugin's own). */
export function configErrors(plugin: TransformationPlugin, props: Record<string, string>): Record<string, string[]> {
  const { settings, errors } = parseConfig(plugin.configDef, props);
  if (Object.keys(errors).length) return errors;
  return plugin.validate?.({ settings, props }) ?? {};
}

export function transform(plugin: TransformationPlugin, props: Record<string, string> = {}) {
  return plugin.create(configOf(plugin, props));
}
