import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  binlogSourceSchema, createJsonConverter, DEBEZIUM_VERSION, envelopeSchema, field, heartbeatKeySchema,
  heartbeatValueSchema, int32, keySchema, makeEnvelope, nanosOfMillis, postgresSourceSchema, rowSchema, schemaChangeKeySchema,
  schemaChangeValueSchema, string, type ConnectSchema,
} from '../../../schemas/index.js';

// Events as Debezium wrote them (JsonConverter, schemas.enable=true), from public tutorials:
// PostgreSQL, Debezium 3.1.3.Final, tutorial table inventory.customers (an update), with the source block's `origin` and
// `origin_lsn` that Debezium 3.6 added (as in test/fixtures/debezium/postgres/wide.jsonl).
const PG_CUSTOMERS_UPDATE = String.raw`{"schema":{"type":"struct","fields":[{"type":"struct","fields":[{"type":"int32","optional":false,"default":0,"field":"id"},{"type":"string","optional":false,"field":"first_name"},{"type":"string","optional":false,"field":"last_name"},{"type":"string","optional":false,"field":"email"}],"optional":true,"name":"dbserver1.inventory.customers.Value","field":"before"},{"type":"struct","fields":[{"type":"int32","optional":false,"default":0,"field":"id"},{"type":"string","optional":false,"field":"first_name"},{"type":"string","optional":false,"field":"last_name"},{"type":"string","optional":false,"field":"email"}],"optional":true,"name":"dbserver1.inventory.customers.Value","field":"after"},{"type":"struct","fields":[{"type":"string","optional":false,"field":"version"},{"type":"string","optional":false,"field":"connector"},{"type":"string","optional":false,"field":"name"},{"type":"int64","optional":false,"field":"ts_ms"},{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"default":"false","field":"snapshot"},{"type":"string","optional":false,"field":"db"},{"type":"string","optional":true,"field":"sequence"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"},{"type":"string","optional":false,"field":"schema"},{"type":"string","optional":false,"field":"table"},{"type":"int64","optional":true,"field":"txId"},{"type":"int64","optional":true,"field":"lsn"},{"type":"int64","optional":true,"field":"xmin"},{"type":"string","optional":true,"field":"origin"},{"type":"int64","optional":true,"field":"origin_lsn"}],"optional":false,"name":"io.debezium.connector.postgresql.Source","version":1,"field":"source"},{"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"total_order"},{"type":"int64","optional":false,"field":"data_collection_order"}],"optional":true,"name":"event.block","version":1,"field":"transaction"},{"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"}],"optional":false,"name":"dbserver1.inventory.customers.Envelope","version":2},"payload":{"before":{"id":1006,"first_name":"Liam","last_name":"Han","email":"liam2@example.com"},"after":{"id":1006,"first_name":"Liam","last_name":"Han","email":"liam3@example.com"},"source":{"version":"3.1.3.Final","connector":"postgresql","name":"dbserver1","ts_ms":1766925059528,"snapshot":"false","db":"postgres","sequence":"[\"34389280\",\"34389336\"]","ts_us":1766925059528750,"ts_ns":1766925059528750000,"schema":"inventory","table":"customers","txId":779,"lsn":34389336,"xmin":null,"origin":null,"origin_lsn":null},"transaction":null,"op":"u","ts_ms":1766925059873,"ts_us":1766925059873428,"ts_ns":1766925059873428925}}`;

// MySQL, Debezium 3.2.1.Final, table mydb.customers (an insert).
const MYSQL_CUSTOMERS_CREATE = String.raw`{"schema":{"type":"struct","fields":[{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"first_name"},{"type":"string","optional":true,"field":"last_name"},{"type":"string","optional":true,"field":"email"}],"optional":true,"name":"dbserver1.mydb.customers.Value","field":"before"},{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"first_name"},{"type":"string","optional":true,"field":"last_name"},{"type":"string","optional":true,"field":"email"}],"optional":true,"name":"dbserver1.mydb.customers.Value","field":"after"},{"type":"struct","fields":[{"type":"string","optional":false,"field":"version"},{"type":"string","optional":false,"field":"connector"},{"type":"string","optional":false,"field":"name"},{"type":"int64","optional":false,"field":"ts_ms"},{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"default":"false","field":"snapshot"},{"type":"string","optional":false,"field":"db"},{"type":"string","optional":true,"field":"sequence"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"},{"type":"string","optional":true,"field":"table"},{"type":"int64","optional":false,"field":"server_id"},{"type":"string","optional":true,"field":"gtid"},{"type":"string","optional":false,"field":"file"},{"type":"int64","optional":false,"field":"pos"},{"type":"int32","optional":false,"field":"row"},{"type":"int64","optional":true,"field":"thread"},{"type":"string","optional":true,"field":"query"}],"optional":false,"name":"io.debezium.connector.mysql.Source","version":1,"field":"source"},{"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"total_order"},{"type":"int64","optional":false,"field":"data_collection_order"}],"optional":true,"name":"event.block","version":1,"field":"transaction"},{"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"}],"optional":false,"name":"dbserver1.mydb.customers.Envelope","version":2},"payload":{"before":null,"after":{"id":230,"first_name":"John230","last_name":"Doe230","email":"john.doe230@example.com"},"source":{"version":"3.2.1.Final","connector":"mysql","name":"dbserver1","ts_ms":1755598922000,"snapshot":"false","db":"mydb","sequence":null,"ts_us":1755598922000000,"ts_ns":1755598922000000000,"table":"customers","server_id":1,"gtid":null,"file":"binlog.000003","pos":168709,"row":0,"thread":12,"query":null},"transaction":null,"op":"c","ts_ms":1755598922571,"ts_us":1755598922571964,"ts_ns":1755598922571964844}}`;

const withSchemas = createJsonConverter({ schemasEnable: true, isKey: false });
const text = (b: { toString(encoding: 'utf8'): string } | null) => b!.toString('utf8');

function pgCustomers(): { key: ConnectSchema; row: ConnectSchema; envelope: ConnectSchema } {
  const id = field('id', int32({ default: 0 }));
  const topic = 'dbserver1.inventory.customers';
  const row = rowSchema(topic, [id, field('first_name', string()), field('last_name', string()), field('email', string())]);
  return { key: keySchema(topic, [id]), row, envelope: envelopeSchema(topic, row, postgresSourceSchema()) };
}

describe('envelope schemas, byte for byte against Debezium events', () => {
  it('PostgreSQL dbserver1.inventory.customers update', () => {
    const { envelope } = pgCustomers();
    const value = {
      before: { id: 1006, first_name: 'Liam', last_name: 'Han', email: 'liam2@example.com' },
      after: { id: 1006, first_name: 'Liam', last_name: 'Han', email: 'liam3@example.com' },
      source: {
        version: '3.1.3.Final', connector: 'postgresql', name: 'dbserver1', ts_ms: 1766925059528, snapshot: 'false',
        db: 'postgres', sequence: '["34389280","34389336"]', ts_us: 1766925059528750, ts_ns: 1766925059528750000n,
        schema: 'inventory', table: 'customers', txId: 779, lsn: 34389336, xmin: null,
      },
      transaction: null, op: 'u', ts_ms: 1766925059873, ts_us: 1766925059873428, ts_ns: 1766925059873428925n,
    };
    assert.equal(text(withSchemas.fromConnectData('dbserver1.inventory.customers', envelope, value)), PG_CUSTOMERS_UPDATE);
  });

  it('MySQL insert: before null, optional columns, binlog source block', () => {
    const topic = 'dbserver1.mydb.customers';
    const opt = string({ optional: true });
    const row = rowSchema(topic, [field('id', int32()), field('first_name', opt), field('last_name', opt), field('email', opt)]);
    const envelope = envelopeSchema(topic, row, binlogSourceSchema('mysql'));
    const source = {
      version: '3.2.1.Final', connector: 'mysql', name: 'dbserver1', ts_ms: 1755598922000, snapshot: 'false', db: 'mydb',
      sequence: null, ts_us: 1755598922000000, ts_ns: 1755598922000000000n, table: 'customers', server_id: 1, gtid: null,
      file: 'binlog.000003', pos: 168709, row: 0, thread: 12, query: null,
    };
    const after = { id: 230, first_name: 'John230', last_name: 'Doe230', email: 'john.doe230@example.com' };
    const value = { ...makeEnvelope(null, after, source, 'c', 1755598922571), ts_us: 1755598922571964, ts_ns: 1755598922571964844n };
    assert.equal(text(withSchemas.fromConnectData(topic, envelope, value)), MYSQL_CUSTOMERS_CREATE);
  });

  it('key schema <topic>.Key is a required struct of the key columns', () => {
    const { key } = pgCustomers();
    const keyConverter = createJsonConverter({ schemasEnable: true, isKey: true });
    assert.equal(text(keyConverter.fromConnectData('t', key, { id: 1006 })),
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"default":0,"field":"id"}],"optional":false,"name":"dbserver1.inventory.customers.Key"},"payload":{"id":1006}}');
  });

  it('MariaDB has its own connector name and source schema name', () => {
    const s = binlogSourceSchema('mariadb');
    assert.equal(s.name, 'io.debezium.connector.mariadb.Source');
    assert.deepEqual(s.fields!.map((f) => f.field), binlogSourceSchema('mysql').fields!.map((f) => f.field));
  });
});

describe('makeEnvelope', () => {
  it('fills op, timestamps and a null transaction in schema order', () => {
    const env = makeEnvelope({ id: 1 }, null, { db: 'x' }, 'd', 1700000000123);
    assert.deepEqual(Object.keys(env), ['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns']);
    assert.equal(env.ts_us, 1700000000123000);
    assert.equal(env.ts_ns, 1700000000123000000n);
    assert.equal(env.transaction, null);
  });
  it('ts_ns stays exact for repeated timestamps (served from the cache)', () => {
    const a = makeEnvelope(null, { id: 1 }, {}, 'c', 1700000000999);
    const b = makeEnvelope(null, { id: 2 }, {}, 'c', 1700000000999);
    assert.equal(a.ts_ns, b.ts_ns);
    assert.equal(makeEnvelope(null, null, {}, 'c', 1700000001000).ts_ns, 1700000001000000000n);
  });
  it('ts_ns stays exact when source and processing timestamps alternate', () => {
    const src1 = nanosOfMillis(1600000000000);
    const env1 = makeEnvelope(null, null, {}, 'c', 1700000002000).ts_ns;
    assert.equal(nanosOfMillis(1600000000000), src1);
    assert.equal(makeEnvelope(null, null, {}, 'c', 1700000002000).ts_ns, env1);
    assert.equal(src1, 1600000000000000000n);
  });
  it('DEBEZIUM_VERSION is a 3.x Final release', () => {
    assert.match(DEBEZIUM_VERSION, /^3\.\d+\.\d+\.Final$/);
  });
});

describe('schema change and heartbeat schemas', () => {
  it('schema change key/value names and fields', () => {
    assert.deepEqual(schemaChangeKeySchema('mysql'), {
      type: 'struct', optional: false, name: 'io.debezium.connector.mysql.SchemaChangeKey', version: 1,
      fields: [{ type: 'string', optional: false, field: 'databaseName' }],
    });
    const v = schemaChangeValueSchema('mysql', binlogSourceSchema('mysql'));
    assert.equal(v.name, 'io.debezium.connector.mysql.SchemaChangeValue');
    assert.deepEqual(v.fields!.map((f) => [f.field, f.type, f.optional]), [
      ['source', 'struct', false], ['ts_ms', 'int64', false], ['databaseName', 'string', true],
      ['schemaName', 'string', true], ['ddl', 'string', true], ['tableChanges', 'array', false],
    ]);
    const change = v.fields![5]!.items!;
    assert.equal(change.name, 'io.debezium.connector.schema.Change');
    assert.deepEqual(change.fields!.map((f) => f.field), ['type', 'id', 'table']);
  });
  it('heartbeat key/value serialise as Debezium does', () => {
    assert.equal(text(withSchemas.fromConnectData('__debezium-heartbeat.dbserver1', heartbeatKeySchema, { serverName: 'dbserver1' })),
      '{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"serverName"}],"optional":false,"name":"io.debezium.connector.common.ServerNameKey","version":1},"payload":{"serverName":"dbserver1"}}');
    assert.equal(text(withSchemas.fromConnectData('__debezium-heartbeat.dbserver1', heartbeatValueSchema, { ts_ms: 1700000000000 })),
      '{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"ts_ms"}],"optional":false,"name":"io.debezium.connector.common.Heartbeat","version":1},"payload":{"ts_ms":1700000000000}}');
  });
});
