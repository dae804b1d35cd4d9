/**
 * Does a service answer? One short connection each to Kafka (through the product's own Kafka client), MariaDB,
 * PostgreSQL and the schema registry. `services:up` waits on these, `services:status` and the test and demo
 * set-ups use them to tell a live `.services/env` from a stale one.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { pino } from 'pino';
import { createKafkaClient, plaintextConnection, type KafkaClient } from '../../src/kafka/index.js';
import { parseMysqlUrl, parsePgUrl, type MysqlParams, type PgParams, type ServiceEnv } from './env.js';

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** A client of the product's own Kafka edge for the test bed's checks; nothing it logs matters here. */
export function bedKafka(brokers: string[], clientId: string, connectTimeoutMs: number): KafkaClient {
  return createKafkaClient({ connection: plaintextConnection(brokers), clientId, logger: pino({ level: 'silent' }), connectTimeoutMs, retries: 0 });
}

export async function kafkaAnswers(brokers: string[], timeoutMs = 5000): Promise<boolean> {
  const kafka = bedKafka(brokers, 'tscdc-services-health', Math.min(timeoutMs, 3000));
  try {
    await withTimeout(kafka.clusterId(), timeoutMs, 'kafka health check');
    return true;
  } catch {
    return false;
  } finally {
    await kafka.close().catch(() => {});
  }
}

export async function mysqlAnswers(p: MysqlParams | { socketPath: string; user: string }, timeoutMs = 5000): Promise<boolean> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await withTimeout(mysql.createConnection({ ...p, connectTimeout: timeoutMs }), timeoutMs, 'mysql health check');
    await conn.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await conn?.end().catch(() => {});
  }
}

export async function pgAnswers(p: PgParams, timeoutMs = 5000): Promise<boolean> {
  const client = new pg.Client({ ...p, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await withTimeout(client.connect(), timeoutMs, 'pg health check');
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A Confluent-compatible registry at `url` answers its global config (any such registry has `GET /config`; for
 * Apicurio it also means its storage is up).
 */
export async function schemaRegistryAnswers(url: string, timeoutMs = 5000): Promise<boolean> {
  try {
    const res = await fetch(`${url}/config`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export interface EnvHealth {
  kafka: boolean;
  mysql: boolean;
  pg: boolean;
  /** only where `env` names a registry */
  schemaRegistry?: boolean;
  all: boolean;
}

/** Do the services described by `env` answer (Kafka, MariaDB, PostgreSQL, and the schema registry if named)? */
export async function envAnswers(env: ServiceEnv, timeoutMs = 5000): Promise<EnvHealth> {
  const registry = env.SCHEMA_REGISTRY_URL;
  const [k, m, p, r] = await Promise.all([
    kafkaAnswers(env.KAFKA_BROKERS.split(',').map((s) => s.trim()).filter(Boolean), timeoutMs),
    mysqlAnswers(parseMysqlUrl(env.MYSQL_URL), timeoutMs),
    pgAnswers(parsePgUrl(env.PG_URL), timeoutMs),
    registry ? schemaRegistryAnswers(registry, timeoutMs) : undefined,
  ]);
  return { kafka: k, mysql: m, pg: p, ...(r !== undefined && { schemaRegistry: r }), all: k && m && p && r !== false };
}
