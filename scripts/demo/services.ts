/**
 * Where the demo gets Kafka, MariaDB and PostgreSQL: the environment (KAFKA_BROKERS, MYSQL_URL, PG_URL, all
 * three), else a live `.services/env`, else the native test bed started exactly as `npm run services:up` does.
 */
import { envAnswers, readEnvFile, servicesUp, type ServiceEnv } from '../testbed/index.js';
import { DemoError } from './errors.js';

export interface ResolvedServices {
  env: ServiceEnv;
  /** Where they came from, for the user. */
  source: 'environment' | '.services/env' | 'started';
}

export async function resolveServices(processEnv: Readonly<Record<string, string | undefined>>, log: (msg: string) => void): Promise<ResolvedServices> {
  const { KAFKA_BROKERS, MYSQL_URL, PG_URL } = processEnv;
  if (KAFKA_BROKERS && MYSQL_URL && PG_URL) {
    const env = { KAFKA_BROKERS, MYSQL_URL, PG_URL };
    const up = await envAnswers(env);
    // Set explicitly: starting other services behind the user's back would be a surprise.
    if (!up.all) {
      const down = [!up.kafka && `Kafka (KAFKA_BROKERS=${KAFKA_BROKERS})`, !up.mysql && 'MariaDB (MYSQL_URL)', !up.pg && 'PostgreSQL (PG_URL)'].filter(Boolean);
      throw new DemoError('DEMO_SERVICES_DOWN', `${down.join(', ')} did not answer.`,
        'Start them, or unset KAFKA_BROKERS, MYSQL_URL and PG_URL to let the demo use the local test bed (npm run services:up).');
    }
    return { env, source: 'environment' };
  }
  const file = readEnvFile();
  if (file && (await envAnswers(file, 3000)).all) return { env: file, source: '.services/env' };
  log('starting the local Kafka, MariaDB and PostgreSQL (as `npm run services:up`; the first run downloads the Kafka jars and assembles the schema registry) ...');
  return { env: await servicesUp({ log: (m) => log(`[services] ${m}`) }), source: 'started' };
}
