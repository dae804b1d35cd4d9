/**
 * Smoke test for the test bed: every service answers and is configured for CDC.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { pino } from 'pino';
import { createKafkaClient, plaintextConnection, type KafkaClient } from '../src/kafka/index.js';
import { schemaRegistry, securedKafka, testServices, uniqueName, waitFor, type TestServices } from './harness/services.js';

describe('test services', () => {
  let s: TestServices;

  before(async () => {
    s = await testServices();
  });

  describe('kafka', () => {
    let kafka: KafkaClient;
    const topic = uniqueName('smoke');

    before(() => {
      kafka = createKafkaClient({ connection: plaintextConnection(s.kafkaBrokers), clientId: 'services-smoke', logger: pino({ level: 'silent' }) });
    });

    after(async () => {
      await kafka.deleteTopics([topic]).catch(() => {});
      await kafka.close();
    });

    it('lists topics and creates a compacted topic', async () => {
      assert.ok(Array.isArray(await kafka.listTopics()));
      assert.equal(await kafka.ensureTopic(topic, { partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } }), true);
      assert.equal((await kafka.topicConfigs(topic))['cleanup.policy'], 'compact');
    });

    it('round-trips messages through an idempotent producer', async () => {
      const producer = kafka.createProducer({ idempotent: true });
      try {
        await producer.send([{ topic, key: Buffer.from('k1'), value: Buffer.from('v1') }, { topic, key: Buffer.from('k2'), value: Buffer.from('v2') }]);
      } finally {
        await producer.disconnect();
      }
      assert.deepEqual([...(await kafka.highWatermarks(topic))], [[0, 2]]);
      const seen: string[] = [];
      await kafka.readToEnd(topic, (k, v) => seen.push(`${k?.toString()}=${v?.toString()}`));
      assert.deepEqual(seen, ['k1=v1', 'k2=v2']);
    });
  });

  describe('kafka secured listeners', () => {
    it('are named in the environment with their TLS files', (t) => {
      const k = securedKafka(s);
      if (!k) return t.skip(`provider ${s.provider} has no secured Kafka listeners`);
      for (const b of [...k.saslSslBrokers, ...k.sslBrokers]) assert.match(b, /^127\.0\.0\.1:\d+$/);
      assert.notDeepEqual(k.saslSslBrokers, k.sslBrokers);
      const { clientP12Password, ...files } = k.tls;
      for (const [name, file] of Object.entries(files)) assert.ok(isAbsolute(file) && existsSync(file), `${name}: ${file}`);
      assert.ok(clientP12Password && k.sasl.user && k.sasl.password);
    });

    it('SASL_SSL presents a certificate for 127.0.0.1 signed by the CA, and refuses the other CA', async (t) => {
      const k = securedKafka(s);
      if (!k) return t.skip(`provider ${s.provider} has no secured Kafka listeners`);
      const [host, port] = k.saslSslBrokers[0]!.split(':') as [string, string];
      const ca = readFileSync(k.tls.ca);
      const socket = await tlsConnect(host, Number(port), ca);
      try {
        assert.ok(socket.authorized);
        const peer = socket.getPeerCertificate(true);
        const leaf = new X509Certificate(peer.raw);
        const caCert = new X509Certificate(ca);
        assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
        assert.ok(leaf.checkIssued(caCert) && leaf.verify(caCert.publicKey));
        assert.deepEqual(chainFingerprints(peer), [leaf.fingerprint256, caCert.fingerprint256]);
      } finally {
        socket.destroy();
      }
      await assert.rejects(tlsConnect(host, Number(port), readFileSync(k.tls.otherCa)), (e: NodeJS.ErrnoException) => {
        assert.match(String(e.code), /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
        return true;
      });
    });
  });

  describe('schema registry', () => {
    const subject = `${uniqueName('smoke')}-value`;
    const record = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Smoke', namespace: 'tscdc.test', fields });
    const v1 = record([{ name: 'id', type: 'int' }]);

    after(async () => {
      const url = s.schemaRegistryUrl;
      if (url) await registryCall(url, 'DELETE', `/subjects/${subject}`).catch(() => {});
    });

    it('registers an Avro schema under a subject and returns it by id', async (t) => {
      const url = schemaRegistry(s);
      if (!url) return t.skip(`provider ${s.provider} has no schema registry`);
      const first = await registryCall(url, 'POST', `/subjects/${subject}/versions`, { schema: v1 });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const id = (first.body as { id: number }).id;
      assert.ok(Number.isInteger(id) && id > 0);
      // the same schema again is the same registration
      assert.deepEqual((await registryCall(url, 'POST', `/subjects/${subject}/versions`, { schema: v1 })).body, { id });
      const byId = await registryCall(url, 'GET', `/schemas/ids/${id}`);
      assert.equal(byId.status, 200);
      assert.deepEqual(JSON.parse((byId.body as { schema: string }).schema), JSON.parse(v1));
      assert.equal((await registryCall(url, 'GET', `/schemas/ids/${id + 1_000_000}`)).status, 404);
    });

    it('defaults to BACKWARD: a field without a default is refused with 409, with a default it is a new version', async (t) => {
      const url = schemaRegistry(s);
      if (!url) return t.skip(`provider ${s.provider} has no schema registry`);
      assert.deepEqual((await registryCall(url, 'GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
      assert.equal((await registryCall(url, 'POST', `/subjects/${subject}/versions`, { schema: v1 })).status, 200);
      const noDefault = record([{ name: 'id', type: 'int' }, { name: 'name', type: 'string' }]);
      const refused = await registryCall(url, 'POST', `/subjects/${subject}/versions`, { schema: noDefault });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      const withDefault = record([{ name: 'id', type: 'int' }, { name: 'name', type: 'string', default: '' }]);
      assert.equal((await registryCall(url, 'POST', `/subjects/${subject}/versions`, { schema: withDefault })).status, 200);
      assert.deepEqual((await registryCall(url, 'GET', `/subjects/${subject}/versions`)).body, [1, 2]);
    });
  });

  it('mariadb has a ROW binlog with full row images', async () => {
    const conn = await mysql.createConnection(s.mysql);
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image', 'server_id')",
      );
      const vars = Object.fromEntries(rows.map((r) => [String(r.Variable_name), String(r.Value)]));
      assert.equal(vars.log_bin, 'ON');
      assert.equal(vars.binlog_format, 'ROW');
      assert.equal(vars.binlog_row_image, 'FULL');
      assert.notEqual(vars.server_id, '0');
    } finally {
      await conn.end();
    }
  });

  it('postgresql has wal_level=logical', async () => {
    const client = new pg.Client(s.pg);
    await client.connect();
    try {
      const r = await client.query<{ wal_level: string }>('SHOW wal_level');
      assert.equal(r.rows[0]?.wal_level, 'logical');
    } finally {
      await client.end();
    }
  });
});

/** One JSON call to a Confluent-compatible registry: its status and parsed body. */
async function registryCall(baseUrl: string, method: string, path: string, body?: object): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/vnd.schemaregistry.v1+json, application/json' },
    ...(body && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A verified TLS connection (Node checks the chain against `ca` and the certificate's names against `host`). */
function tlsConnect(host: string, port: number, ca: Buffer): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ca, timeout: 10_000 }, () => resolve(socket));
    socket.once('error', reject);
    socket.once('timeout', () => socket.destroy(new Error(`TLS handshake with ${host}:${port} timed out`)));
  });
}

/** SHA-256 fingerprints of the verified chain, leaf first, up to the self-signed root (which is its own issuer). */
function chainFingerprints(cert: DetailedPeerCertificate): string[] {
  const out = [cert.fingerprint256];
  for (let c = cert; c.issuerCertificate && c.issuerCertificate !== c; c = c.issuerCertificate) out.push(c.issuerCertificate.fingerprint256);
  return out;
}
