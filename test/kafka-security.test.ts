/**
 * Kafka over TLS and SASL against the test bed's secured listeners (SASL_SSL with PLAIN/SCRAM/OAUTHBEARER, and
 * SSL with a required client certificate): the client settings a user writes, end to end through a worker and
 * a database connector, and each way of getting them wrong failing with a clear error that holds no secret.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { clientConnection, createKafkaClient, KafkaError, type KafkaClient } from '../src/kafka/index.js';
import { securedKafka, testServices, uniqueName, waitFor, type KafkaSecurity } from './harness/services.js';
import {
  api, CLI, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, spawnWorker, startInProcessWorker, testKafka, waitForStatus,
} from './harness/worker.js';
import { adminConnection, mysqlConnectorConfig } from './mysql-helpers.js';
import { pgConnectorConfig, scratchDatabase } from './pg-helpers.js';

const logger = pino({ level: 'silent' });
const JAAS = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
};
type Mechanism = keyof typeof JAAS;

/** Client settings as a Connect user writes them for the SASL_SSL listener. */
function saslSsl(sec: KafkaSecurity, mechanism: Mechanism, password = sec.sasl.password): Record<string, string> {
  return {
    'bootstrap.servers': sec.saslSslBrokers.join(','),
    'security.protocol': 'SASL_SSL',
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': sec.tls.ca,
    'sasl.mechanism': mechanism,
    'sasl.jaas.config': `${JAAS[mechanism]} required username="${sec.sasl.user}" password="${password}";`,
  };
}

/** Client settings for the SSL listener, which requires a client certificate. */
function mutualTls(sec: KafkaSecurity, keystore: 'pem' | 'pkcs12' | 'none'): Record<string, string> {
  const base = { 'bootstrap.servers': sec.sslBrokers.join(','), 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': sec.tls.ca };
  if (keystore === 'pem') {
    return { ...base, 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': readFileSync(sec.tls.clientKey, 'utf8'), 'ssl.keystore.certificate.chain': readFileSync(sec.tls.clientCert, 'utf8') };
  }
  if (keystore === 'pkcs12') {
    return { ...base, 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': sec.tls.clientP12, 'ssl.keystore.password': sec.tls.clientP12Password };
  }
  return base;
}

function client(props: Record<string, string>): KafkaClient {
  const connection = clientConnection({ props, origins: Object.fromEntries(Object.keys(props).map((k) => [k, k])) });
  return createKafkaClient({ clientId: 'security-test', logger, connection, connectTimeoutMs: 5000, retries: 1 });
}

/** Creates a topic, produces two records (lz4) and reads them back, all through `kafka`. */
async function roundTrip(kafka: KafkaClient): Promise<string[]> {
  const topic = uniqueName('sec_rt');
  try {
    await kafka.ensureTopic(topic, { partitions: 1, replicationFactor: -1 });
    const producer = kafka.createProducer({ compression: 'lz4' });
    await producer.send([{ topic, key: Buffer.from('a'), value: Buffer.from('one') }, { topic, key: Buffer.from('b'), value: Buffer.from('two') }]);
    await producer.disconnect();
    const values: string[] = [];
    await kafka.readToEnd(topic, (_k, v) => values.push(v!.toString()));
    return values;
  } finally {
    await kafka.deleteTopics([topic]).catch(() => undefined);
    await kafka.close();
  }
}

async function failure(kafka: KafkaClient): Promise<KafkaError> {
  try {
    await kafka.listTopics();
  } catch (err) {
    assert.ok(err instanceof KafkaError, String(err));
    return err;
  } finally {
    await kafka.close();
  }
  assert.fail('expected the connection to fail');
}

/** A token endpoint (OAuth 2 client credentials) handing out the unsigned JWTs the broker's unsecured validator takes. */
async function tokenEndpoint(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push(`${req.headers.authorization} ${body}`);
      const now = Math.floor(Date.now() / 1000);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: `${b64({ alg: 'none' })}.${b64({ sub: 'svc-cdc', iat: now, exp: now + 3600 })}.`, token_type: 'bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Kafka client over TLS and SASL', () => {
  let sec: KafkaSecurity | undefined;
  before(async () => {
    sec = securedKafka(await testServices());
  });

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'] as const) {
    it(`SASL_SSL with ${mechanism}: creates topics, produces and reads`, async (t) => {
      if (!sec) return t.skip('these services have no secured Kafka listener');
      assert.deepEqual(await roundTrip(client(saslSsl(sec, mechanism))), ['one', 'two']);
    });
  }

  it('SASL_SSL with OAUTHBEARER: a token from the token endpoint (client credentials), fetched once and reused', async (t) => {
    if (!sec) return t.skip('these services have no secured Kafka listener');
    const endpoint = await tokenEndpoint();
    try {
      const { 'sasl.jaas.config': _, ...tlsOnly } = saslSsl(sec, 'PLAIN');
      const values = await roundTrip(client({
        ...tlsOnly, 'sasl.mechanism': 'OAUTHBEARER', 'sasl.oauthbearer.token.endpoint.url': endpoint.url,
        'sasl.login.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
        'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="cdc-client" clientSecret="cdc-secret" scope="kafka";',
      }));
      assert.deepEqual(values, ['one', 'two']);
      assert.equal(endpoint.requests.length, 1, 'one token for every connection while it is valid');
      assert.equal(endpoint.requests[0], `Basic ${Buffer.from('cdc-client:cdc-secret').toString('base64')} grant_type=client_credentials&scope=kafka`);
    } finally {
      await endpoint.close();
    }
  });

  it('SSL with a client certificate, from a PEM key and chain or a PKCS#12 keystore', async (t) => {
    if (!sec) return t.skip('these services have no secured Kafka listener');
    assert.deepEqual(await roundTrip(client(mutualTls(sec, 'pem'))), ['one', 'two']);
    assert.deepEqual(await roundTrip(client(mutualTls(sec, 'pkcs12'))), ['one', 'two']);
  });

  it('a wrong password, an untrusted CA, a missing client certificate and a mismatched protocol fail clearly', async (t) => {
    if (!sec) return t.skip('these services have no secured Kafka listener');
    for (const mechanism of ['SCRAM-SHA-256', 'PLAIN'] as const) {
      const wrong = await failure(client(saslSsl(sec, mechanism, 'not-the-password')));
      assert.equal(wrong.code, 'KAFKA_AUTH_FAILED', wrong.message);
      assert.equal(wrong.retriable, false);
      assert.match(wrong.fix ?? '', /sasl\.jaas\.config/);
      assert.ok(!`${wrong.message} ${wrong.fix}`.includes('not-the-password'), 'the password is not in the error');
    }

    const untrusted = await failure(client({ ...saslSsl(sec, 'PLAIN'), 'ssl.truststore.location': sec.tls.otherCa }));
    assert.equal(untrusted.code, 'KAFKA_TLS_FAILED', untrusted.message);
    assert.equal(untrusted.retriable, false);
    assert.match(untrusted.message, /not trusted/);
    assert.match(untrusted.fix ?? '', /ssl\.truststore/);

    const plaintext = await failure(client({ 'bootstrap.servers': sec.saslSslBrokers.join(',') }));
    assert.equal(plaintext.code, 'KAFKA_TLS_FAILED', plaintext.message);
    assert.match(plaintext.fix ?? '', /security\.protocol/);

    const tlsToPlain = await failure(client({ ...mutualTls(sec, 'none'), 'bootstrap.servers': (await testServices()).kafkaBrokers.join(',') }));
    assert.equal(tlsToPlain.code, 'KAFKA_TLS_FAILED', tlsToPlain.message);

    const noCert = await failure(client(mutualTls(sec, 'none')));
    assert.match(noCert.fix ?? '', /client certificate/, noCert.message);
  });
});

describe('a worker and its connectors over SASL_SSL', () => {
  let sec: KafkaSecurity | undefined;
  before(async () => {
    sec = securedKafka(await testServices());
  });
  after(async () => {
    await closeTestKafka();
  });

  it('SCRAM-SHA-512: a MariaDB connector snapshots and streams through a worker process whose every client authenticates', async (t) => {
    if (!sec) return t.skip('these services have no secured Kafka listener');
    const conn = await adminConnection();
    const db = uniqueName('sec_my');
    const prefix = uniqueName('secmy');
    const settings = newWorkerSettings('sec_scram', saslSsl(sec, 'SCRAM-SHA-512'));
    const worker = await spawnWorker(settings);
    try {
      await conn.query(`CREATE DATABASE ${db}; CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO ${db}.t VALUES (1,'a'),(2,'b')`);
      const res = await api(worker.url).post('/connectors', {
        name: 'sec-mysql', config: await mysqlConnectorConfig(db, prefix, { 'producer.override.compression.type': 'lz4' }),
      });
      assert.equal(res.status, 201, res.text);
      await waitForStatus(worker.url, 'sec-mysql', (s) => isRunning(s));
      const reader = client(saslSsl(sec, 'SCRAM-SHA-512'));
      const events = (count: number) => waitFor(async () => {
        const out: Array<{ op: string; id: number }> = [];
        if (await reader.topicExists(`${prefix}.${db}.t`)) {
          await reader.readToEnd(`${prefix}.${db}.t`, (_k, v) => {
            const payload = JSON.parse(v!.toString()).payload;
            out.push({ op: payload.op, id: (payload.after ?? payload.before).id });
          });
        }
        return out.length >= count ? out : undefined;
      }, { timeoutMs: 60_000, message: `${count} events` });
      try {
        await events(2);
        await conn.query(`INSERT INTO ${db}.t VALUES (3,'c'); UPDATE ${db}.t SET v='bb' WHERE id=2`);
        assert.deepEqual(await events(4), [{ op: 'r', id: 1 }, { op: 'r', id: 2 }, { op: 'c', id: 3 }, { op: 'u', id: 2 }]);
      } finally {
        await reader.close();
      }
      assert.ok(!worker.output().includes(sec.sasl.password), 'the SASL password is never logged');
    } finally {
      await worker.stop();
      await conn.query(`DROP DATABASE IF EXISTS ${db}`);
      await conn.end();
      await cleanupWorkerTopics(settings, [`${prefix}.${db}.t`]);
    }
  });

  it('PLAIN: a PostgreSQL connector snapshots and streams through an in-process worker', async (t) => {
    if (!sec) return t.skip('these services have no secured Kafka listener');
    const scratch = await scratchDatabase('sec_pg');
    const prefix = uniqueName('secpg');
    const slot = uniqueName('secpg_slot');
    const settings = newWorkerSettings('sec_plain', saslSsl(sec, 'PLAIN'));
    const worker = await startInProcessWorker(settings);
    try {
      await scratch.client.query('CREATE TABLE t (id INT PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, \'a\')');
      const res = await api(worker.url).post('/connectors', { name: 'sec-pg', config: await pgConnectorConfig(scratch.name, prefix, slot) });
      assert.equal(res.status, 201, res.text);
      await waitForStatus(worker.url, 'sec-pg', (s) => isRunning(s));
      const reader = client(saslSsl(sec, 'PLAIN'));
      const ops = (count: number) => waitFor(async () => {
        const out: string[] = [];
        if (await reader.topicExists(`${prefix}.public.t`)) await reader.readToEnd(`${prefix}.public.t`, (_k, v) => out.push(JSON.parse(v!.toString()).payload.op));
        return out.length >= count ? out : undefined;
      }, { timeoutMs: 60_000, message: `${count} events` });
      try {
        await ops(1);
        await scratch.client.query('INSERT INTO t VALUES (2, \'b\')');
        assert.deepEqual(await ops(2), ['r', 'c']);
      } finally {
        await reader.close();
      }
    } finally {
      await api(worker.url).delete('/connectors/sec-pg');
      await worker.stop();
      await scratch.drop();
      await cleanupWorkerTopics(settings, [`${prefix}.public.t`]);
    }
  });

  it('a worker given a wrong password or a missing truststore stops at start, naming the problem and no secret', async (t) => {
    if (!sec) return t.skip('these services have no secured Kafka listener');
    const run = async (props: Record<string, string>) => {
      const settings = newWorkerSettings('sec_bad', props);
      const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
      const all = { 'group.id': settings.groupId, 'config.storage.topic': settings.configTopic, 'offset.storage.topic': settings.offsetTopic, 'status.storage.topic': settings.statusTopic, 'rest.port': '0', ...props };
      for (const [k, v] of Object.entries(all)) env[`CONNECT_${k.replace(/\./g, '_').toUpperCase()}`] = v;
      const child = spawn(process.execPath, [CLI], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { code, output };
    };
    const wrong = await run(saslSsl(sec, 'SCRAM-SHA-256', 'wrong-secret-value'));
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.output, /KAFKA_AUTH_FAILED|authentication failed/i);
    assert.ok(!wrong.output.includes('wrong-secret-value'), 'the password is not printed');

    const missing = await run({ ...saslSsl(sec, 'PLAIN'), 'ssl.truststore.location': '/nonexistent/ca.pem' });
    assert.equal(missing.code, 2);
    assert.match(missing.output, /ssl\.truststore\.location/);
    assert.ok(!missing.output.includes(sec.sasl.password));
  });
});

describe('compression.type', () => {
  after(async () => {
    await closeTestKafka();
  });

  it('every codec (producer.override.compression.type) delivers the same records and the compressed logs are smaller', async () => {
    const settings = newWorkerSettings('compress');
    const worker = await startInProcessWorker(settings);
    const topics: Record<string, string> = {};
    try {
      for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
        topics[codec] = uniqueName(`cmp_${codec}`);
        const res = await api(worker.url).post('/connectors', {
          name: `cmp-${codec}`,
          config: { 'connector.class': 'test.CounterSource', topic: topics[codec]!, 'tasks.max': '1', 'max.records': '2000', 'batch.size': '500', 'interval.ms': '0', 'producer.override.compression.type': codec },
        });
        assert.equal(res.status, 201, res.text);
      }
      const kafka = await testKafka();
      const values = async (topic: string) => {
        const out: string[] = [];
        if (await kafka.topicExists(topic)) await kafka.readToEnd(topic, (_k, v) => out.push(v!.toString()));
        return out;
      };
      const plain = await waitFor(async () => ((await values(topics.none!)).length >= 2000 ? values(topics.none!) : undefined), { timeoutMs: 60_000, message: 'uncompressed records' });
      const plainBytes = await kafka.logSizeBytes(topics.none!);
      for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
        const got = await waitFor(async () => {
          const v = await values(topics[codec]!);
          return v.length >= 2000 ? v : undefined;
        }, { timeoutMs: 60_000, message: `${codec} records` });
        assert.deepEqual(got.map((v) => JSON.parse(v).payload.n), plain.map((v) => JSON.parse(v).payload.n), codec);
        const bytes = await kafka.logSizeBytes(topics[codec]!);
        assert.ok(bytes < plainBytes / 2, `${codec}: ${bytes} bytes on disk vs ${plainBytes} uncompressed`);
      }
    } finally {
      for (const codec of Object.keys(topics)) await api(worker.url).delete(`/connectors/cmp-${codec}`);
      await worker.stop();
      await cleanupWorkerTopics(settings, Object.values(topics));
    }
  });

  it('validate refuses an unknown codec and more than one request in flight, naming the key', async () => {
    const settings = newWorkerSettings('compress_bad');
    const worker = await startInProcessWorker(settings);
    try {
      const res = await api(worker.url).put('/connector-plugins/test.CounterSource/config/validate', {
        'connector.class': 'test.CounterSource', topic: 'x', 'producer.override.compression.type': 'brotli', 'producer.override.max.in.flight.requests.per.connection': '5',
      });
      assert.equal(res.status, 200, res.text);
      const errors = Object.fromEntries(res.body.configs.filter((c: any) => c.value.errors.length > 0).map((c: any) => [c.value.name, c.value.errors]));
      assert.match(errors['producer.override.compression.type']?.[0] ?? '', /not a compression type/, JSON.stringify(errors));
      const create = await api(worker.url).post('/connectors', { name: 'inflight', config: { 'connector.class': 'test.CounterSource', topic: 'x', 'producer.override.max.in.flight.requests.per.connection': '5' } });
      assert.equal(create.status, 400);
      assert.match(create.body.message, /producer\.override\.max\.in\.flight\.requests\.per\.connection/);
    } finally {
      await worker.stop();
      await cleanupWorkerTopics(settings);
    }
  });
});
