/**
 * Debezium's snapshot signals, parsed from their JSON format into commands. Pure. The same parser serves the
 * signal table (`signal.data.collection`: columns id, type, data), the Kafka signal topic (`signal.kafka.topic`:
 * record key = topic.prefix, value `{"type", "data"}`) and `POST /connectors/{name}/snapshots`.
 *
 *   execute-snapshot  {"data-collections": ["db.t"], "type": "incremental",
 *                      "additional-conditions": [{"data-collection": "db.t", "filter": "id > 10"}]}
 *   stop-snapshot     {"data-collections": ["db.t"]?, "type": "incremental"}
 *   pause-snapshot / resume-snapshot   {} (data may be empty)
 */
/** An ad-hoc snapshot command, from whichever channel it came: the signal table, the Kafka topic or REST. */
export type SnapshotCommand =
  | { kind: 'execute'; id: string; dataCollections: string[]; conditions: Record<string, string>; surrogateKey: string | null }
  | { kind: 'stop'; id: string; dataCollections: string[] | null }
  | { kind: 'pause'; id: string }
  | { kind: 'resume'; id: string };

/** A signal this connector does not act on: other signal types (log, schema-changes) are not ours. */
export type ParsedSignal = { ok: true; command: SnapshotCommand } | { ok: false; error: string } | { ok: 'ignored'; type: string };

const TYPES: Record<string, SnapshotCommand['kind']> = {
  'execute-snapshot': 'execute',
  'stop-snapshot': 'stop',
  'pause-snapshot': 'pause',
  'resume-snapshot': 'resume',
};

function asObject(data: unknown): Record<string, unknown> | string {
  if (data === null || data === undefined || data === '') return {};
  let value = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch {
      return 'the signal data is not JSON';
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the signal data must be a JSON object';
  return value as Record<string, unknown>;
}

function stringList(v: unknown, what: string): string[] | string {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.trim() === '')) return `"${what}" must be an array of table names`;
  return v.map((x: string) => x.trim());
}

/** `additional-conditions` (current) or `additional-condition` (older single filter for all tables). */
function conditionsOf(data: Record<string, unknown>, tables: string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  const list = data['additional-conditions'];
  if (list !== undefined) {
    if (!Array.isArray(list)) return '"additional-conditions" must be an array of {"data-collection", "filter"}';
    for (const c of list) {
      const table = (c as Record<string, unknown>)?.['data-collection'];
      const filter = (c as Record<string, unknown>)?.filter;
      if (typeof table !== 'string' || typeof filter !== 'string' || filter.trim() === '') {
        return 'each additional condition needs "data-collection" and a non-empty "filter"';
      }
      if (!tables.includes(table)) return `additional condition for ${table}, which is not in "data-collections"`;
      out[table] = filter;
    }
  }
  const single = data['additional-condition'];
  if (typeof single === 'string' && single.trim() !== '') for (const t of tables) out[t] ??= single;
  return out;
}

/** Parses one signal; `id` is the signal's id (table row id, Kafka offset, or one we generate for REST). */
export function parseSnapshotSignal(id: string, type: string, data: unknown): ParsedSignal {
  const kind = TYPES[type];
  if (!kind) return { ok: 'ignored', type };
  const body = asObject(data);
  if (typeof body === 'string') return { ok: false, error: body };
  const snapshotType = body.type === undefined ? 'incremental' : String(body.type).toLowerCase();
  if (snapshotType !== 'incremental') {
    return { ok: false, error: `snapshot type "${String(body.type)}" is not supported; only "incremental" is` };
  }
  if (kind === 'pause' || kind === 'resume') return { ok: true, command: { kind, id } };
  if (kind === 'stop') {
    if (body['data-collections'] === undefined || (Array.isArray(body['data-collections']) && body['data-collections'].length === 0)) {
      return { ok: true, command: { kind, id, dataCollections: null } };
    }
    const tables = stringList(body['data-collections'], 'data-collections');
    return typeof tables === 'string' ? { ok: false, error: tables } : { ok: true, command: { kind, id, dataCollections: tables } };
  }
  const tables = stringList(body['data-collections'], 'data-collections');
  if (typeof tables === 'string') return { ok: false, error: tables };
  if (tables.length === 0) return { ok: false, error: '"data-collections" must name at least one table' };
  const conditions = conditionsOf(body, tables);
  if (typeof conditions === 'string') return { ok: false, error: conditions };
  const surrogate = body['surrogate-key'];
  return {
    ok: true,
    command: { kind, id, dataCollections: tables, conditions, surrogateKey: typeof surrogate === 'string' && surrogate !== '' ? surrogate : null },
  };
}
