/**
 * `io.debezium.transforms.ExtractNewRecordState` ("unwrap"): replaces a change event's envelope by the row state
 * after the change, for consumers that want plain rows.
 *
 * - Creates, updates and snapshot reads become the `after` row; a truncate is dropped.
 * - Deletes and tombstones follow the delete handling mode (delete-handling.ts); the `rewrite` modes add
 *   `__deleted` ("true" on deletes, "false" on the rest) so consumers can tell deletes from other rows.
 * - `add.fields` appends envelope metadata to the row, `add.headers` puts it into headers (as header text; a null
 *   value adds no header, since our headers cannot hold null).
 * - `route.by.field` sends the record to the topic named by a row column (`before` for deletes); a null or blank
 *   value keeps the topic.
 * - Records that are not change events (schema changes, heartbeats, transaction metadata) pass unchanged.
 *
 * Schemas, as Debezium builds them: the flattened value is a copy of the row struct (`<topic>.Value`) that is
 * required rather than optional, with the added fields after the columns (`__deleted` first), each an optional
 * copy of the envelope field without its default. Only a `tombstone`-mode delete keeps the row schema, with a null
 * value. One output schema per envelope schema object, computed on first use.
 *
 * `replace.null.with.default` (default true) puts a column's default in place of null when the row is rebuilt, as
 * Connect's Struct.get does. Our converters write the default for a null anyway, so `false` is only visible to
 * transforms later in the chain.
 */
import type { ConnectField, ConnectSchema } from '../../../schemas/index.js';
import { field, headerText, string } from '../../../schemas/index.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import { TransformError, type ChangeRecord, type PluginConfig, type Transformation, type TransformationPlugin } from '../types.js';
import { DELETE_TOMBSTONE_MODES, deleteHandling, LEGACY_DELETE_MODES, type DeleteHandling } from './delete-handling.js';
import { fieldReferenceProblem, parseFieldReferences, resolveField, type EnvelopeField, type FieldReference } from './envelope-fields.js';
import { derive, fieldOf, isEnvelopeSchema, TRANSFORM_VERSION } from './records.js';

const DELETED_FIELD = '__deleted';

const configDef: ConfigDef = {
  keys: [
    { name: 'delete.tombstone.handling.mode', type: 'STRING', default: 'tombstone', allowed: DELETE_TOMBSTONE_MODES, importance: 'MEDIUM', width: 'MEDIUM',
      displayName: 'Handle delete and tombstone records',
      documentation: 'What happens to delete events and the tombstones after them. drop: both are removed. tombstone (default): the delete becomes a record with a null value and the connector\'s tombstone is removed. rewrite: the delete becomes the old row plus __deleted="true" (other rows get __deleted="false") and tombstones are removed. rewrite-with-tombstone: as rewrite, tombstones kept. delete-to-tombstone: the delete becomes a tombstone (null value and value schema) and the connector\'s tombstone is removed. Takes precedence over drop.tombstones and delete.handling.mode.' },
    { name: 'drop.tombstones', type: 'BOOLEAN', default: true, importance: 'LOW', width: 'SHORT', displayName: 'Drop tombstones',
      documentation: 'Deprecated (removed in Debezium 3.2): whether tombstones are removed. Read only when delete.tombstone.handling.mode is not set.' },
    { name: 'delete.handling.mode', type: 'STRING', default: 'drop', allowed: LEGACY_DELETE_MODES, importance: 'MEDIUM', width: 'MEDIUM', displayName: 'Handle delete records',
      documentation: 'Deprecated (removed in Debezium 3.2): drop removes delete events, none turns them into records with a null value, rewrite adds __deleted. Read only when delete.tombstone.handling.mode is not set.' },
    { name: 'route.by.field', type: 'STRING', default: '', importance: 'LOW', width: 'LONG', displayName: 'Route by field name',
      documentation: 'A column whose value becomes the record\'s topic (taken from the row before the change for deletes). Empty: the topic is kept.' },
    { name: 'add.fields.prefix', type: 'STRING', default: '__', importance: 'LOW', width: 'SHORT', displayName: 'Field prefix to be added to each field.',
      documentation: 'Prefix of the names of fields added by add.fields.' },
    { name: 'add.fields', type: 'LIST', default: [], importance: 'LOW', width: 'LONG', displayName: 'Adds the specified field(s) to the message if they exist.',
      documentation: 'Envelope fields to append to the row: op, ts_ms, a source field (table, lsn, …), or struct.field (source.ts_ms, transaction.id); each may end with :newName. Named <prefix><field>, or <prefix><struct>_<field> when the struct is given.' },
    { name: 'add.headers.prefix', type: 'STRING', default: '__', importance: 'LOW', width: 'SHORT', displayName: 'Header prefix to be added to each header.',
      documentation: 'Prefix of the names of headers added by add.headers.' },
    { name: 'add.headers', type: 'LIST', default: [], importance: 'LOW', width: 'LONG', displayName: 'Adds the specified fields to the header if they exist.',
      documentation: 'Envelope fields to add as headers, written as add.fields. Tombstones get only the op header, as "d".' },
    { name: 'drop.fields.header.name', type: 'STRING', default: null, importance: 'LOW', width: 'SHORT', displayName: 'Specifies a header that contains a list of field names to be removed',
      documentation: 'Name of a header listing fields to remove from the value. Not supported by this service: the header is written by ExtractChangedRecordState, which it does not provide.' },
    { name: 'drop.fields.from.key', type: 'BOOLEAN', default: false, importance: 'LOW', width: 'SHORT', displayName: 'Specifies whether the fields to be dropped should also be omitted from the key',
      documentation: 'Whether drop.fields.header.name also removes fields from the key. Has no effect here, as drop.fields.header.name is not supported.' },
    { name: 'drop.fields.keep.schema.compatible', type: 'BOOLEAN', default: true, importance: 'LOW', width: 'SHORT', displayName: 'Specifies if fields are dropped, will the event\'s schemas be compatible',
      documentation: 'Whether drop.fields.header.name removes only optional fields. Has no effect here, as drop.fields.header.name is not supported.' },
    { name: 'replace.null.with.default', type: 'BOOLEAN', default: true, importance: 'LOW', width: 'SHORT', displayName: 'replace null field value with default',
      documentation: 'Whether a null column value is replaced by the column\'s default when the row is rebuilt.' },
  ],
};

function validate({ settings }: PluginConfig): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const key of ['add.fields', 'add.headers']) {
    const problems = ((settings[key] as string[] | null) ?? []).map(fieldReferenceProblem).filter((p) => p !== undefined);
    if (problems.length) errors[key] = problems;
  }
  const dropHeader = settings['drop.fields.header.name'];
  if (typeof dropHeader === 'string' && dropHeader.trim() !== '') {
    errors['drop.fields.header.name'] = ['Dropping fields listed in a header is not supported by this service (the header comes from ExtractChangedRecordState, which it does not provide); remove drop.fields.header.name'];
  }
  return errors;
}

/** Everything derived from one envelope schema. */
interface UnwrapPlan {
  row: ConnectSchema;
  /** The flattened value schema. */
  out: ConnectSchema;
  columns: readonly ConnectField[];
  /** Columns with a default, which replace.null.with.default may put in place of a null. */
  defaulted: readonly ConnectField[];
  added: readonly EnvelopeField[];
  headers: readonly EnvelopeField[];
  /** Why `route.by.field` cannot be read from this row, if it cannot. */
  routeProblem: string | undefined;
}

interface Options {
  handling: DeleteHandling;
  markDeleted: boolean;
  fields: readonly FieldReference[];
  headers: readonly FieldReference[];
  routeBy: string | null;
  replaceNullWithDefault: boolean;
}

function makePlan(envelope: ConnectSchema, o: Options): UnwrapPlan {
  const row = fieldOf(envelope, 'after') ?? fieldOf(envelope, 'before');
  if (row?.type !== 'struct') throw new TransformError(`Change event schema ${envelope.name} has no struct "after" field to extract`);
  const { field: _name, ...rowSchema } = row;
  const columns = row.fields ?? [];
  const added = o.fields.map((r) => resolveField(r, envelope)).filter((f) => f !== null);
  const extra: ConnectField[] = [];
  if (o.markDeleted) extra.push(field(DELETED_FIELD, string({ optional: true })));
  for (const f of added) extra.push(field(f.ref.outName, f.schema));
  const names = new Set(columns.map((c) => c.field));
  for (const f of extra) {
    if (names.has(f.field)) throw new TransformError(`Cannot add field "${f.field}" to ${row.name}: the row already has a field of that name`, { fix: 'Choose another add.fields.prefix or an alias (add.fields=op:newName).' });
    names.add(f.field);
  }
  // Connect's copySchemaBasics: name, version, doc and parameters carry over; the copy is a required struct.
  const out: ConnectSchema = { ...rowSchema, optional: false, fields: [...columns, ...extra] };
  delete out.default;
  let routeProblem: string | undefined;
  if (o.routeBy !== null) {
    const col = fieldOf(row, o.routeBy);
    if (col === undefined) routeProblem = `route.by.field "${o.routeBy}" is not a column of ${row.name}`;
    else if (col.type !== 'string') routeProblem = `route.by.field "${o.routeBy}" of ${row.name} is ${col.type}, not a string`;
  }
  const headers = o.headers.map((r) => resolveField(r, envelope)).filter((f) => f !== null);
  const defaulted = columns.filter((c) => c.default !== undefined);
  return { row: rowSchema, out, columns, defaulted, added, headers, routeProblem };
}

function createTransform(config: PluginConfig): Transformation {
  const s = config.settings;
  const handling = deleteHandling(s, config.props);
  const routeBy = (s['route.by.field'] as string | null) ?? '';
  const o: Options = {
    handling,
    markDeleted: handling.deletes === 'rewrite',
    fields: parseFieldReferences((s['add.fields.prefix'] as string | null) ?? '__', (s['add.fields'] as string[] | null) ?? []),
    headers: parseFieldReferences((s['add.headers.prefix'] as string | null) ?? '__', (s['add.headers'] as string[] | null) ?? []),
    routeBy: routeBy.trim() === '' ? null : routeBy,
    replaceNullWithDefault: s['replace.null.with.default'] !== false,
  };
  const plans = new WeakMap<ConnectSchema, UnwrapPlan>();
  // Tombstones carry no envelope: only an op header can be said of them, and it is "d".
  const tombstoneHeaders = o.headers.filter((r) => r.field === 'op').map((r) => [r.outName, 'd'] as const);

  function planFor(envelope: ConnectSchema): UnwrapPlan {
    let plan = plans.get(envelope);
    if (plan === undefined) plans.set(envelope, plan = makePlan(envelope, o));
    return plan;
  }

  /** The row's values under the flattened schema: the row object itself when nothing is added or replaced. */
  function flatten(plan: UnwrapPlan, row: Record<string, unknown>, deleted: string | null, env: Record<string, unknown>): Record<string, unknown> {
    const unchanged = deleted === null && plan.added.length === 0
      && (!o.replaceNullWithDefault || plan.defaulted.every((c) => row[c.field] !== null && row[c.field] !== undefined));
    if (unchanged) return row;
    const out: Record<string, unknown> = {};
    for (const c of plan.columns) {
      const v = row[c.field];
      out[c.field] = (v === null || v === undefined) && o.replaceNullWithDefault && c.default !== undefined ? c.default : v ?? null;
    }
    if (deleted !== null) out[DELETED_FIELD] = deleted;
    for (const f of plan.added) out[f.ref.outName] = f.read(env);
    return out;
  }

  function headersFrom(plan: UnwrapPlan, env: Record<string, unknown>): Record<string, string> | null {
    if (plan.headers.length === 0) return null;
    const out: Record<string, string> = {};
    for (const h of plan.headers) {
      const text = headerText(h.schema, h.read(env));
      if (text !== null) out[h.ref.outName] = text;
    }
    return out;
  }

  function routedTopic(plan: UnwrapPlan, record: ChangeRecord, row: Record<string, unknown>): string {
    if (o.routeBy === null) return record.topic;
    if (plan.routeProblem !== undefined) throw new TransformError(plan.routeProblem);
    const topic = row[o.routeBy];
    return typeof topic === 'string' && topic.trim() !== '' ? topic : record.topic;
  }

  return {
    apply(record) {
      if (record.value === null || record.value === undefined) {
        if (!handling.keepTombstones) return null;
        if (tombstoneHeaders.length === 0) return record;
        return derive(record, {}, Object.fromEntries(tombstoneHeaders));
      }
      if (!isEnvelopeSchema(record.valueSchema)) return record;
      const plan = planFor(record.valueSchema);
      const env = record.value as Record<string, unknown>;
      const after = env['after'] as Record<string, unknown> | null;
      const before = env['before'] as Record<string, unknown> | null;
      if (after === null && before === null) return null; // truncate
      if (after !== null) {
        const value = flatten(plan, after, o.markDeleted ? 'false' : null, env);
        return derive(record, { topic: routedTopic(plan, record, after), valueSchema: plan.out, value }, headersFrom(plan, env));
      }
      if (handling.deletes === 'drop') return null;
      const topic = routedTopic(plan, record, before!);
      const headers = headersFrom(plan, env);
      switch (handling.deletes) {
        case 'null-value': return derive(record, { topic, valueSchema: plan.row, value: null }, headers);
        case 'tombstone': return derive(record, { topic, valueSchema: null, value: null }, headers);
        case 'rewrite': return derive(record, { topic, valueSchema: plan.out, value: flatten(plan, before!, 'true', env) }, headers);
      }
    },
  };
}

export const extractNewRecordState: TransformationPlugin = {
  kind: 'transformation',
  className: 'io.debezium.transforms.ExtractNewRecordState',
  aliases: ['ExtractNewRecordState'],
  version: TRANSFORM_VERSION,
  configDef,
  validate,
  create: createTransform,
};
