/**
 * What the registry-converter tests (Avro, JSON Schema, Protobuf) share: the registry's REST API, the JSON
 * converter's records to compare with, and an envelope without what differs between two connectors of one table.
 */
import { readRawTopic } from './worker.js';

/** A call to the schema registry's Confluent API: GET, or POST with a JSON body. */
export async function registryCall(base: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/vnd.schemaregistry.v1+json, application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Without what differs between two connectors of the same table: their name and the time they read it. */
export function comparable(envelope: any): unknown {
  if (envelope === null) return null;
  const { ts_ms: _ts, ts_us: _us, ts_ns: _ns, source, ...rest } = envelope;
  const { name: _n, ts_ms: _sts, ts_us: _sus, ts_ns: _sns, ...where } = source ?? {};
  // Each connector's snapshot starts at its own binlog position (other tests write to the same server).
  if (rest.op === 'r') { delete where.file; delete where.pos; delete where.gtid; }
  return { ...rest, source: where };
}

/** The JSON converter's records of a topic as { key, value } payloads. */
export async function decodedJson(topic: string): Promise<Array<{ key: unknown; value: unknown }>> {
  return (await readRawTopic(topic)).map((r) => ({
    key: r.key ? JSON.parse(r.key.toString()).payload : null,
    value: r.value ? JSON.parse(r.value.toString()).payload : null,
  }));
}
