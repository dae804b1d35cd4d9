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
import type { ConfigDef } from '../../connect-api/config-def.js';
import { TransformError, type ChangeRecord, type PluginConfig, type Transformation, type TransformationPlugin } from '../types.js';
import { regexProblem, topicRewrite, topicRewriteProblem } from './java-regex.js';
import { expandJsonPayload } from './json-payload.js';
import { fieldOf, isEnvelopeSchema, schemaOfField, TRANSFORM_VERSION } from './records.js';

const PLACEMENTS = ['header', 'envelope', 'partition'] as const;
type Placement = typeof PLACEMENTS[number];
const TABLE = 'Table';
const ROUTER = 'Router';
const TRACING = 'Tracing';
const NO_TRACING = 'this service has no OpenTelemetry tracing';

const configDef: ConfigDef = {
  keys: [
    { name: 'table.field.event.id', type: 'STRING', default: 'id', importance: 'LOW', width: 'MEDIUM', group: TABLE, orderInGroup: 1, displayName: 'Event ID Field',
      documentation: 'Column holding the event id; it goes into the "id" header.' },
    { name: 'table.field.event.key', type: 'STRING', default: 'aggregateid', importance: 'LOW', width: 'MEDIUM', group: TABLE, orderInGroup: 2, displayName: 'Event Key Field',
      documentation: 'Column holding the event key (the record key, with the column\'s schema).' },
    { name: 'table.field.event.type', type: 'STRING', default: 'type', importance: 'LOW', width: 'MEDIUM', group: TABLE, orderInGroup: 3, displayName: 'Event Type Field',
      documentation: 'Column holding the event type (add it to the record with table.fields.additional.placement).' },
    { name: 'table.field.event.payload', type: 'STRING', default: 'payload', importance: 'LOW', width: 'MEDIUM', group: TABLE, orderInGroup: 4, displayName: 'Event Payload Field',
      documentation: 'Column holding the event payload, the record value.' },
    { name: 'table.field.event.timestamp', type: 'STRING', default: null, importance: 'MEDIUM', width: 'MEDIUM', group: TABLE, orderInGroup: 5, displayName: 'Event Timestamp Field',
      documentation: 'Column giving the Kafka record timestamp (a Timestamp, MicroTimestamp or NanoTimestamp column); unset, or null in a row: when the event was processed.' },
    { name: 'table.fields.additional.placement', type: 'LIST', default: null, importance: 'HIGH', width: 'MEDIUM', group: TABLE, orderInGroup: 6,
      displayName: 'Settings for each additional column in the outbox table', validate: placementProblem,
      documentation: 'More columns for the record, each column:placement or column:placement:alias, where placement is header, envelope (a field next to payload in the value) or partition (an int32 column choosing the Kafka partition).' },
    { name: 'table.fields.additional.error.on.missing', type: 'BOOLEAN', default: true, importance: 'MEDIUM', width: 'MEDIUM', group: TABLE, orderInGroup: 7,
      displayName: 'Should the transform error if an additional field is missing in the change data',
      documentation: 'Whether a column of table.fields.additional.placement missing from the row fails the record; false leaves it out.' },
    { name: 'table.field.event.schema.version', type: 'STRING', default: null, importance: 'LOW', width: 'MEDIUM', group: TABLE, orderInGroup: 8, displayName: 'Event Schema Version Field',
      documentation: 'An int32 column whose value becomes the version of the value schema (when the value is a struct).' },
    { name: 'table.op.invalid.behavior', type: 'STRING', default: 'warn', allowed: ['warn', 'error', 'fatal'], importance: 'MEDIUM', width: 'MEDIUM', group: TABLE, orderInGroup: 9,
      displayName: 'Behavior when capturing an unexpected outbox event',
      documentation: 'What to do with an update of the outbox table: warn and error skip it; fatal fails the task.' },
    { name: 'table.expand.json.payload', type: 'BOOLEAN', default: false, importance: 'MEDIUM', width: 'MEDIUM', group: TABLE, orderInGroup: 10, displayName: 'Expand Payload escaped string as real JSON',
      documentation: 'Turn a payload holding a JSON object as text into a struct with a schema inferred from it; other payloads stay as they are.' },
    { name: 'table.json.payload.null.behavior', type: 'STRING', default: 'ignore', allowed: ['ignore', 'optional_bytes'], importance: 'MEDIUM', width: 'MEDIUM', group: TABLE, orderInGroup: 11,
      displayName: 'Behavior when json payload including null value',
      documentation: 'With table.expand.json.payload: ignore leaves null members out of the inferred schema; optional_bytes keeps them as optional bytes fields.' },
    { name: 'route.by.field', type: 'STRING', default: 'aggregatetype', importance: 'HIGH', width: 'MEDIUM', group: ROUTER, orderInGroup: 1, displayName: 'Field to route events by',
      documentation: 'Column whose value names the topic (through route.topic.regex / route.topic.replacement).' },
    { name: 'route.topic.regex', type: 'STRING', default: '(?<routedByValue>.*)', importance: 'LOW', width: 'MEDIUM', group: ROUTER, orderInGroup: 2, displayName: 'The name of the routed topic',
      validate: regexProblem, documentation: 'Regular expression matched against the whole route.by.field value.' },
    { name: 'route.topic.replacement', type: 'STRING', default: 'outbox.event.${routedByValue}', importance: 'HIGH', width: 'MEDIUM', group: ROUTER, orderInGroup: 3,
      displayName: 'The name of the routed topic', documentation: 'The topic name, which may refer to route.topic.regex\'s groups (${routedByValue} by default).' },
    { name: 'route.tombstone.on.empty.payload', type: 'BOOLEAN', default: false, importance: 'HIGH', width: 'MEDIUM', group: ROUTER, orderInGroup: 4,
      displayName: 'Empty payloads cause a tombstone message', documentation: 'Whether a null or blank payload gives a tombstone (null value).' },
    { name: 'tracing.span.context.field', type: 'STRING', default: 'tracingspancontext', importance: 'LOW', group: TRACING, orderInGroup: 1, ignoredBecause: NO_TRACING,
      documentation: 'Column holding the serialized tracing span context.' },
    { name: 'tracing.operation.name', type: 'STRING', default: 'debezium-read', importance: 'LOW', group: TRACING, orderInGroup: 2, ignoredBecause: NO_TRACING,
      documentation: 'Operation name of the tracing span.' },
    { name: 'tracing.with.context.field.only', type: 'BOOLEAN', default: false, importance: 'LOW', group: TRACING, orderInGroup: 3, ignoredBecause: NO_TRACING,
      documentation: 'Whether only events with a span context are traced.' },
  ],
};

interface Additional { column: string; placement: Placement; alias: string }

function placementProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const entry of value as string[]) {
    const parts = entry.split(':');
    if (parts.length !== 2 && parts.length !== 3) return `"${entry}" is not column:placement or column:placement:alias`;
    if (!PLACEMENTS.includes(parts[1]!.trim().toLowerCase() as Placement)) return `"${entry}" has placement "${parts[1]}"; use header, envelope or partition`;
  }
  return undefined;
}

function parseAdditional(entries: readonly string[]): Additional[] {
  return entries.map((entry) => {
    const [column, placement, alias] = entry.split(':') as [string, string, string | undefined];
    return { column, placement: placement.trim().toLowerCase() as Placement, alias: alias ?? column };
  });
}

function validate({ settings }: PluginConfig): Record<string, string[]> {
  const problem = topicRewriteProblem(settings['route.topic.regex'] as string, settings['route.topic.replacement'] as string);
  return problem ? { 'route.topic.replacement': [problem] } : {};
}

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
  configDef,
  validate,
  create: createTransform,
};
