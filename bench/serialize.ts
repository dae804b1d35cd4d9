/**
 * Events/s of the JSON converter for a 10-column row in a full Debezium envelope, against the ceiling of
 * `JSON.stringify` of the same payload (which can neither write Connect's formats nor bigint).
 * Run: npx tsc -p . && node dist/bench/serialize.js [events]
 */
import {
  binlogSourceSchema, boolean, createJsonConverter, decimalSchema, encodeDecimal, envelopeSchema, field, float64, int32,
  int64, makeEnvelope, microTimestampSchema, nanosOfMillis, rowSchema, string, zonedTimestampSchema,
} from '../schemas/index.js';

const topic = 'dbserver1.inventory.orders';
const row = rowSchema(topic, [
  field('id', int32()),
  field('customer_id', int64()),
  field('status', string({ optional: true })),
  field('note', string({ optional: true })),
  field('email', string({ optional: true })),
  field('weight', float64({ optional: true })),
  field('price', decimalSchema(2, 10, { optional: true })),
  field('created', microTimestampSchema({ optional: true })),
  field('paid', boolean()),
  field('updated', zonedTimestampSchema({ optional: true })),
]);
const schema = envelopeSchema(topic, row, binlogSourceSchema('mysql'));
const N = Number(process.argv[2] ?? 200_000);

function event(i: number) {
  const after = {
    id: i, customer_id: 1000 + (i % 97), status: 'shipped', note: `order note number ${i} with "quotes"`,
    email: `user${i}@example.com`, weight: 1.25 + i, price: encodeDecimal(`${i}.99`, 2), created: 1700000000000000 + i,
    paid: (i & 1) === 0, updated: '2025-02-12T10:10:04.123456Z',
  };
  const ts = 1700000000000 + (i >> 6);
  const source = {
    version: '3.1.3.Final', connector: 'mysql', name: 'dbserver1', ts_ms: ts, snapshot: 'false', db: 'inventory',
    sequence: null, ts_us: ts * 1000, ts_ns: nanosOfMillis(ts), table: 'orders', server_id: 1, gtid: null,
    file: 'mysql-bin.000003', pos: 4 + i, row: 0, thread: 7, query: null,
  };
  return makeEnvelope(null, after, source, 'c', ts);
}

const events = Array.from({ length: N }, (_, i) => event(i));
// The same payloads as plain JSON-able data (bigint → number, Buffer → base64) for the JSON.stringify ceiling.
const plainEvents = events.map((e) => JSON.parse(JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))));

function measure(label: string, fn: (i: number) => { length: number } | null): void {
  for (let i = 0; i < Math.min(N, 20_000); i++) fn(i); // warm up
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) bytes += fn(i)!.length;
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label.padEnd(44)} ${Math.round(N / secs).toLocaleString('en').padStart(10)} events/s  ${Math.round(bytes / N)} B/event`);
}

const withSchemas = createJsonConverter({ schemasEnable: true, isKey: false });
const payloadOnly = createJsonConverter({ schemasEnable: false, isKey: false });
console.log(`${N} events, 10-column row in a MySQL envelope, node ${process.version}`);
measure('JsonConverter schemas.enable=false', (i) => payloadOnly.fromConnectData(topic, schema, events[i]));
measure('JSON.stringify payload (ceiling)', (i) => Buffer.from(JSON.stringify(plainEvents[i]), 'utf8'));
measure('JsonConverter schemas.enable=true', (i) => withSchemas.fromConnectData(topic, schema, events[i]));
