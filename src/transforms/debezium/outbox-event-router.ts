/**
 * `io.debezium.transforms.outbox.EventRouter`: the outbox pattern. Rows inserted into an outbox table become events
 * on a topic per aggregate type, keyed by the aggregate id, with the payload column as value.
 *
 * Per change event of the outbox table (Debezium 3.x):
 *  - creates and snapshot reads are routed; deletes (clearing the outbox) and tombstones are dropped; an update is
 *    unexpected and dropped (`table.op.invalid.behavior` warn/error) or fails the task (`fatal`); a truncate is
 *    dropped too (Debezium would fail on its missing row);
 *  - topic: the `route.by.field` column (default `aggregatetype`), rewritten by `route.topic.regex` /
 *    `route.topic.replacement` (default `outbox.event.${routedByValue}`) when the regex matches it whole;
 *  - key: the `table.field.event.key` column (default `aggregateid`) with its schema; unset, a null string key;
 *  - value: the payload column, or, when some `table.fields.additional.placement` entry says `envelope`, a struct
 *    `{payload, <aliases>…}` named after the row schema with the routed value inserted
 *    (`srv.public.outbox.<aggregatetype>.Value`) and versioned by `table.field.event.schema.version`; an empty or
 *    null payload gives a tombstone with `route.tombstone.on.empty.payload`;
 *  - headers: `id` (the event id column) and each `header` placement, as header text; `partition` placements set
 *    the Kafka partition (an int32 column);
 *  - timestamp: `table.field.event.timestamp` (a Timestamp/MicroTimestamp/NanoTimestamp column) or the event's ts_ms.
 * Records that are not change events pass unchanged. `warn` and `error` cannot log here: transforms get no logger.
 */
import type { ConnectField, ConnectSchema } from '../../../schemas/index.js';
import { field, headerText, string, TemporalName } from '../../../schemas/index.js';
import { TransformError, type ChangeRecord, type PluginConfig, type Transformation, type TransformationPlugin } from '../types.js';
import { topicRewrite } from './java-regex.js';
import { expandJsonPayload } from './json-payload.js';
import { outboxConfigDef, parseAdditional, validateOutboxConfig, type Additional } from './outbox-config.js';
import { fieldOf, isEnvelopeSchema, schemaOfField, TRANSFORM_VERSION } from './records.js';

/** Everything derived from one outbox row schema. */
interface OutboxPlan {
  row: ConnectSchema;
  id: ConnectField;
  payload: ConnectField;
  payloadSchema: ConnectSchema;
  key: string | null;
  keySchema: ConnectSchema;
  timestamp: { column: string; divisor: number | null } | null;
  headers: Array<{ column: ConnectField; name: string }>;
  envelope: Array<{ column: ConnectField; alias: string }>;
  partition: string | null;
}

interface Options {
  idColumn: string;
  keyColumn: string | null;
  payloadColumn: string;
  timestampColumn: string | null;
  versionColumn: string | null;
  routeBy: string;
  additional: Additional[];
  errorOnMissing: boolean;
}

const TIMESTAMP_DIVISORS: Record<string, number> = {
  [TemporalName.Timestamp]: 1, [TemporalName.MicroTimestamp]: 1_000, [TemporalName.NanoTimestamp]: 1_000_000,
};

function column(row: ConnectSchema, name: string, what: string): ConnectField {
  const f = fieldOf(row, name);
  if (f === undefined) throw new TransformError(`Unable to find ${what} field ${name} in outbox event ${row.name}`);
  return f;
}

function makePlan(envelope: ConnectSchema, o: Options): OutboxPlan {
  const row = schemaOfField(column(envelope, 'after', 'row'));
  const id = column(row, o.idColumn, 'event-id');
  const payload = column(row, o.payloadColumn, 'payload');
  const route = column(row, o.routeBy, 'route-by');
  if (route.type !== 'string') throw new TransformError(`route.by.field ${o.routeBy} of ${row.name} is ${route.type}, not a string`);
  if (o.versionColumn !== null && column(row, o.versionColumn, 'schema-version').type !== 'int32') {
    throw new TransformError(`table.field.event.schema.version ${o.versionColumn} of ${row.name} is not an int32 column`);
  }
  const keyColumn = o.keyColumn === null ? null : column(row, o.keyColumn, 'event-key');
  let timestamp: OutboxPlan['timestamp'] = null;
  if (o.timestampColumn !== null) {
    const ts = column(row, o.timestampColumn, 'timestamp');
    timestamp = { column: ts.field, divisor: ts.type === 'int64' && ts.name !== undefined ? TIMESTAMP_DIVISORS[ts.name] ?? null : null };
  }
  const plan: OutboxPlan = {
    row, id, payload, payloadSchema: schemaOfField(payload), key: keyColumn?.field ?? null,
    keySchema: keyColumn ? schemaOfField(keyColumn) : string(), timestamp, headers: [], envelope: [], partition: null,
  };
  for (const a of o.additional) {
    const f = fieldOf(row, a.column);
    if (f === undefined) {
      if (o.errorOnMissing) throw new TransformError(`Additional field ${a.column} (table.fields.additional.placement) is not a column of ${row.name}`);
      continue;
    }
    if (a.placement === 'header') plan.headers.push({ column: f, name: a.alias });
    else if (a.placement === 'envelope') plan.envelope.push({ column: f, alias: a.alias });
    else if (f.type !== 'int32') throw new TransformError(`Partition field ${a.column} of ${row.name} is ${f.type}, not int32`);
    else plan.partition = f.field;
  }
  return plan;
}

/** `<row schema name up to its last dot>.<routed value>.<last part>`, as Debezium names the value struct. */
function valueSchemaName(rowName: string | undefined, routed: string): string {
  if (rowName === undefined) return routed;
  const dot = rowName.lastIndexOf('.');
  return dot < 0 ? `${routed}.${rowName}` : `${rowName.slice(0, dot + 1)}${routed}.${rowName.slice(dot + 1)}`;
}

function createTransform({ settings: s }: PluginConfig): Transformation {
  const str = (key: string) => (typeof s[key] === 'string' && (s[key] as string).trim() !== '' ? s[key] as string : null);
  const o: Options = {
    idColumn: str('table.field.event.id') ?? 'id',
    keyColumn: str('table.field.event.key'),
    payloadColumn: str('table.field.event.payload') ?? 'payload',
    timestampColumn: str('table.field.event.timestamp'),
    versionColumn: str('table.field.event.schema.version'),
    routeBy: str('route.by.field') ?? 'aggregatetype',
    additional: parseAdditional((s['table.fields.additional.placement'] as string[] | null) ?? []),
    errorOnMissing: s['table.fields.additional.error.on.missing'] !== false,
  };
  const fatalOnUpdate = s['table.op.invalid.behavior'] === 'fatal';
  const tombstoneOnEmpty = s['route.tombstone.on.empty.payload'] === true;
  const expand = s['table.expand.json.payload'] === true;
  const nullsAsBytes = s['table.json.payload.null.behavior'] === 'optional_bytes';
  const router = topicRewrite(s['route.topic.regex'] as string, s['route.topic.replacement'] as string);
  const onlyPayload = !o.additional.some((a) => a.placement === 'envelope');

  const plans = new WeakMap<ConnectSchema, OutboxPlan>();
  // Value structs per payload schema object (the column's, or an inferred one), routed value and schema version.
  const valueSchemas = new WeakMap<ConnectSchema, Map<string, ConnectSchema>>();

  function valueSchemaFor(plan: OutboxPlan, payloadSchema: ConnectSchema, routed: string, version: number | null): ConnectSchema {
    let byRoute = valueSchemas.get(payloadSchema);
    if (byRoute === undefined) valueSchemas.set(payloadSchema, byRoute = new Map());
    const id = `${routed}\u0000${version ?? ''}`;
    let schema = byRoute.get(id);
    if (schema === undefined) {
      schema = {
        type: 'struct', optional: false, name: valueSchemaName(plan.row.name, routed),
        fields: [field('payload', payloadSchema), ...plan.envelope.map((e) => field(e.alias, schemaOfField(e.column)))],
      };
      if (version !== null) schema.version = version;
      byRoute.set(id, schema);
    }
    return schema;
  }

  function timestampOf(plan: OutboxPlan, row: Record<string, unknown>, env: Record<string, unknown>): number {
    const fallback = env['ts_ms'] as number;
    if (plan.timestamp === null) return fallback;
    const v = row[plan.timestamp.column] as number | bigint | null;
    if (v === null || v === undefined) return fallback;
    const { divisor } = plan.timestamp;
    if (divisor === null) throw new TransformError(`Unsupported field type for event timestamp ${plan.timestamp.column}: a Timestamp, MicroTimestamp or NanoTimestamp column is needed`);
    return typeof v === 'bigint' ? Number(v / BigInt(divisor)) : Math.trunc(v / divisor);
  }

  function route(plan: OutboxPlan, env: Record<string, unknown>, record: ChangeRecord): ChangeRecord {
    const row = env['after'] as Record<string, unknown>;
    const routed = row[o.routeBy];
    if (typeof routed !== 'string') throw new TransformError(`Outbox event of ${plan.row.name} has no ${o.routeBy} to route it by`);
    let payload = row[plan.payload.field] ?? null;
    let payloadSchema = plan.payloadSchema;
    if (expand && typeof payload === 'string') {
      const expanded = expandJsonPayload(payload, plan.payload.field, nullsAsBytes);
      if (expanded !== null) ({ schema: payloadSchema, value: payload } = expanded);
    }
    const headers: Record<string, string | Buffer> = { ...record.headers };
    const idText = headerText(plan.id, row[plan.id.field]);
    if (idText !== null) headers['id'] = idText;
    for (const h of plan.headers) {
      const text = headerText(h.column, row[h.column.field]);
      if (text !== null) headers[h.name] = text;
    }
    let valueSchema: ConnectSchema | null = payloadSchema;
    let value: unknown = payload;
    if (payload === null || (typeof payload === 'string' && payload.trim() === '')) {
      if (tombstoneOnEmpty) valueSchema = value = null;
    }
    if (valueSchema !== null && !onlyPayload) {
      const version = o.versionColumn === null ? null : (row[o.versionColumn] as number | null);
      valueSchema = valueSchemaFor(plan, payloadSchema, routed, version);
      const struct: Record<string, unknown> = { payload };
      for (const e of plan.envelope) struct[e.alias] = row[e.column.field] ?? null;
      value = struct;
    }
    const out: ChangeRecord = {
      ...record,
      topic: router.rewrite(routed) ?? routed,
      keySchema: plan.keySchema,
      key: plan.key === null ? null : row[plan.key] ?? null,
      valueSchema, value, headers,
      timestamp: timestampOf(plan, row, env),
    };
    const partition = plan.partition === null ? null : row[plan.partition];
    if (typeof partition === 'number') out.kafkaPartition = partition;
    else delete out.kafkaPartition;
    return out;
  }

  return {
    apply(record) {
      if (record.value === null || record.value === undefined) return null;
      if (!isEnvelopeSchema(record.valueSchema)) return record;
      const env = record.value as Record<string, unknown>;
      switch (env['op']) {
        case 'd': case 't': return null;
        case 'u':
          if (fatalOnUpdate) throw new TransformError(`Unexpected update of outbox table row with key ${headerText(record.keySchema, record.key)}`, { fix: 'Outbox rows are only inserted (and deleted); set table.op.invalid.behavior=warn to skip updates.' });
          return null;
      }
      let plan = plans.get(record.valueSchema);
      if (plan === undefined) plans.set(record.valueSchema, plan = makePlan(record.valueSchema, o));
      return route(plan, env, record);
    },
  };
}

export const outboxEventRouter: TransformationPlugin = {
  kind: 'transformation',
  className: 'io.debezium.transforms.outbox.EventRouter',
  aliases: ['EventRouter'],
  version: TRANSFORM_VERSION,
  configDef: outboxConfigDef,
  validate: validateOutboxConfig,
  create: createTransform,
};
