/**
 * A worker: Kafka client, the three Connect-format stores, the herder, the group membership and the REST API,
 * wired together. Workers with the same group.id and internal topics form one cluster (./cluster.ts): the
 * group's leader assigns connectors to workers, and each worker runs the connectors assigned to it.
 *
 * Start order follows Connect's: the REST server listens first (so /health can say "starting"), then the
 * stores replay their topics, then the worker joins its group and starts what it is assigned.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createConfigProviders, resolveConfigProvidersWithValues } from '../config-providers/index.js';
import type { PluginRegistry } from '../connect-api/index.js';
import { loadPluginRegistry } from '../connectors/registry.js';
import { createHerder, type Herder } from '../herder/index.js';
import { createKafkaClient } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
import { retry } from '../retry/index.js';
import { createRestServer } from '../rest/index.js';
import { createKafkaConfigStore, createKafkaOffsetStore, createKafkaStatusStore } from '../storage/index.js';
import type { WorkerConfig } from './config.js';
import { createWorkerCluster } from './cluster.js';
import { checkExactlyOnce } from './exactly-once.js';
import { checkTaskClients } from './task-clients.js';
import { createTaskLauncher } from './task-launcher.js';

export interface StartWorkerOptions {
  logger: Logger;
  /** Connector plugins; default: the built-in ones plus those on `plugin.path`. */
  plugins?: PluginRegistry;
  /** Environment for the `env` config provider. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface Worker {
  /** Base URL of the REST API's advertised listener, e.g. `http://127.0.0.1:8083`. */
  readonly url: string;
  /** Every listener's base URL, in the order of `listeners`. */
  readonly urls: string[];
  readonly workerId: string;
  readonly herder: Herder;
  /** Stops the REST API, then every task (delivering queued records, committing offsets), then the stores. */
  stop(): Promise<void>;
}

export function packageVersion(): string {
  // dist/src/worker/worker.js or src/worker/worker.ts (tsx): the package root is three or two levels up.
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tscdc' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return 'unknown';
}

/**
 * Right after creating a topic the broker may still be electing its leader; a retriable error while a store
 * starts is retried a few times (about 30 s in all) before the worker gives up.
 */
async function startWithRetry(what: string, start: () => Promise<void>, logger: Logger): Promise<void> {
  await retry(start, {
    backoff: { initialMs: 250, maxMs: 5000 },
    maxRetries: 7,
    onRetry: (err, _delay, attempt) => logger.warn({ err: err instanceof Error ? err.message : String(err), attempt }, `${what} could not start yet; retrying`),
  });
}

export async function startWorker(config: WorkerConfig, options: StartWorkerOptions): Promise<Worker> {
  const logger = options.logger;
  const version = packageVersion();
  const kafka = createKafkaClient({
    clientId: `tscdc-${config.groupId}`,
    logger: logger.child({ component: 'kafka' }),
    connection: config.kafka.connection,
    admin: config.kafka.admin,
    consumer: config.kafka.consumer,
    producerDefaults: config.kafka.internalProducer.options,
  });
  const configStore = createKafkaConfigStore(kafka, { topic: config.configStorageTopic, replicationFactor: config.configStorageReplicationFactor });
  const statusStore = createKafkaStatusStore(kafka, {
    topic: config.statusStorageTopic,
    partitions: config.statusStoragePartitions,
    replicationFactor: config.statusStorageReplicationFactor,
  });
  const offsetStore = createKafkaOffsetStore(kafka, {
    topic: config.offsetStorageTopic,
    partitions: config.offsetStoragePartitions,
    replicationFactor: config.offsetStorageReplicationFactor,
  });
  const providers = createConfigProviders(config.configProviders, options.env ?? process.env);

  const registry = options.plugins ?? (await loadPluginRegistry(config.pluginPath, logger));
  let workerId = '';
  const scheme = config.rest.advertised.protocol;
  const cluster = createWorkerCluster({ config, configStore, statusStore, offsetStore, logger });
  const herder = createHerder({
    workerId: () => workerId,
    configStore,
    statusStore,
    offsetStore,
    registry,
    launchTask: createTaskLauncher({ kafka, offsetStore, statusStore, config, plugins: registry }),
    resolveConfig: (props) => resolveConfigProvidersWithValues(props, { providers }),
    checkClientSettings: (props) => ({ ...checkTaskClients(config.kafka, props), ...checkExactlyOnce(config, props) }),
    logger,
    version,
    cluster: cluster.forHerder,
    // Workers of one cluster are assumed to advertise the same protocol, as Connect's REST client assumes.
    workerUrl: (id) => `${scheme}://${id}`,
  });
  let markReady!: () => void;
  let markFailed!: (err: unknown) => void;
  const whenReady = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  whenReady.catch(() => undefined);
  const rest = createRestServer({
    herder,
    logger: logger.child({ component: 'rest' }),
    info: () => ({ version, commit: process.env.TSCDC_COMMIT ?? 'unknown', kafka_cluster_id: clusterId }),
    whenReady,
    security: config.rest.security,
    topicTrackingEnabled: config.props['topic.tracking.enable']?.trim().toLowerCase() !== 'false',
    topicTrackingAllowReset: config.props['topic.tracking.allow.reset']?.trim().toLowerCase() !== 'false',
  });

  const stopStores = () =>
    Promise.allSettled([configStore.stop(), statusStore.stop(), offsetStore.stop()]).then(() => kafka.close().catch(() => undefined));

  let herderStarted = false;
  let clusterId: string | null = null;
  try {
    const open = await rest.listenAll(config.rest.listeners);
    const advertised = open.find((o) => o.listener === config.rest.advertised)!;
    const url = advertised.url;
    const port = Number(new URL(url).port);
    const bound = config.rest.advertised.host;
    const host = config.restAdvertisedHostName ?? (bound === '0.0.0.0' || bound === '::' ? hostname() : bound);
    workerId = `${host}:${config.restAdvertisedPort ?? port}`;
    logger.info({ urls: open.map((o) => o.url), workerId, groupId: config.groupId, authentication: config.rest.security.auth ? 'basic' : 'none' },
      'REST API listening; reading the internal topics');

    await Promise.all([
      startWithRetry('config store', () => configStore.start(), logger),
      startWithRetry('status store', () => statusStore.start(), logger),
      startWithRetry('offset store', () => offsetStore.start(), logger),
    ]);
    clusterId = await kafka.clusterId().catch(() => null);
    herderStarted = true;
    await herder.start();
    await cluster.join(herder, `${scheme}://${workerId}`, workerId);
    markReady();
    logger.info({ url, workerId, connectors: herder.connectors().length }, 'worker started');

    let stopping: Promise<void> | undefined;
    return {
      url,
      urls: open.map((o) => o.url),
      workerId,
      herder,
      stop() {
        stopping ??= (async () => {
          logger.info('worker stopping');
          await rest.close().catch((err: unknown) => logger.warn({ err: String(err) }, 'REST server did not close cleanly'));
          await herder.stop();
          await cluster.leave();
          await stopStores();
          logger.info('worker stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    markFailed(err);
    await rest.close().catch(() => undefined);
    if (herderStarted) await herder.stop().catch(() => undefined);
    await cluster.leave().catch(() => undefined);
    await stopStores();
    throw err;
  }
}
