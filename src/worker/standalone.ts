/**
 * A standalone worker (Connect's ConnectStandalone): one process, no group, no internal topics. Connector configs
 * and statuses are in memory — the connector files given at start, then what the REST API changes, until the process
 * stops — and source offsets are in `offset.storage.file.filename`. The herder, the task runtime and the REST API
 * are the distributed worker's; only the stores differ.
 */
import { hostname } from 'node:os';
import { createConfigProviders, resolveConfigProvidersWithValues } from '../config-providers/index.js';
import { loadPluginRegistry } from '../connectors/registry.js';
import { CdcError } from '../errors/index.js';
import { createHerder } from '../herder/index.js';
import { createKafkaClient } from '../kafka/index.js';
import { createRestServer } from '../rest/index.js';
import { createFileOffsetStore, createMemoryConfigStore, createMemoryStatusStore } from '../storage/index.js';
import type { WorkerConfig } from './config.js';
import type { ConnectorFile } from './connector-files.js';
import { checkTaskClients } from './task-clients.js';
import { createTaskLauncher } from './task-launcher.js';
import { packageVersion, type StartWorkerOptions, type Worker } from './worker.js';

/** A connector file whose connector could not be created: the worker does not start (as Connect's standalone). */
export class ConnectorFileError extends CdcError {
  constructor(file: string, err: unknown) {
    const inner = err instanceof CdcError ? err : undefined;
    super(inner?.code ?? 'CONFIG_INVALID', `Connector file ${file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err, retriable: false, fix: inner?.fix ?? 'Correct the connector file and start again.',
    });
  }
}

export async function startStandaloneWorker(config: WorkerConfig, connectors: readonly ConnectorFile[], options: StartWorkerOptions): Promise<Worker> {
  if (config.mode !== 'standalone' || config.offsetStorageFile === null) throw new Error('startStandaloneWorker needs a standalone worker config');
  const logger = options.logger;
  const version = packageVersion();
  const kafka = createKafkaClient({
    clientId: 'tscdc-standalone',
    logger: logger.child({ component: 'kafka' }),
    connection: config.kafka.connection,
    admin: config.kafka.admin,
    consumer: config.kafka.consumer,
    producerDefaults: config.kafka.internalProducer.options,
  });
  const configStore = createMemoryConfigStore();
  const statusStore = createMemoryStatusStore();
  const offsetStore = createFileOffsetStore({ file: config.offsetStorageFile, logger: logger.child({ component: 'offsets' }) });
  const providers = createConfigProviders(config.configProviders, options.env ?? process.env);
  const registry = options.plugins ?? (await loadPluginRegistry(config.pluginPath, logger));
  let workerId = '';
  const herder = createHerder({
    workerId: () => workerId,
    configStore,
    statusStore,
    offsetStore,
    registry,
    launchTask: createTaskLauncher({ kafka, offsetStore, statusStore, config, plugins: registry }),
    resolveConfig: (props) => resolveConfigProvidersWithValues(props, { providers }),
    // Exactly-once is refused with the worker config in standalone mode, so only the client settings are checked.
    checkClientSettings: (props) => checkTaskClients(config.kafka, props),
    logger,
    version,
  });
  let markReady!: () => void;
  let markFailed!: (err: unknown) => void;
  const whenReady = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  whenReady.catch(() => undefined);
  let clusterId: string | null = null;
  const rest = createRestServer({
    herder,
    logger: logger.child({ component: 'rest' }),
    info: () => ({ version, commit: process.env.TSCDC_COMMIT ?? 'unknown', kafka_cluster_id: clusterId }),
    whenReady,
    security: config.rest.security,
    topicTrackingEnabled: config.props['topic.tracking.enable']?.trim().toLowerCase() !== 'false',
    topicTrackingAllowReset: config.props['topic.tracking.allow.reset']?.trim().toLowerCase() !== 'false',
  });

  let herderStarted = false;
  try {
    const open = await rest.listenAll(config.rest.listeners);
    const url = open.find((o) => o.listener === config.rest.advertised)!.url;
    const bound = config.rest.advertised.host;
    const host = config.restAdvertisedHostName ?? (bound === '0.0.0.0' || bound === '::' ? hostname() : bound);
    workerId = `${host}:${config.restAdvertisedPort ?? Number(new URL(url).port)}`;
    logger.info({ urls: open.map((o) => o.url), workerId, offsetsFile: offsetStore.file }, 'standalone worker: REST API listening; reading the offsets file');

    await offsetStore.start();
    clusterId = await kafka.clusterId().catch(() => null);
    herderStarted = true;
    await herder.start();
    for (const c of connectors) {
      try {
        await herder.putConnectorConfig(c.name, c.config, { allowReplace: false, ...(c.initialState ? { initialState: c.initialState } : {}) });
      } catch (err) {
        throw new ConnectorFileError(c.file, err);
      }
      logger.info({ connector: c.name, file: c.file }, 'connector created from its file');
    }
    markReady();
    logger.info({ url, workerId, connectors: herder.connectors().length }, 'standalone worker started');

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
          await offsetStore.stop();
          await kafka.close().catch(() => undefined);
          logger.info('worker stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    markFailed(err);
    await rest.close().catch(() => undefined);
    if (herderStarted) await herder.stop().catch(() => undefined);
    await offsetStore.stop();
    await kafka.close().catch(() => undefined);
    throw err;
  }
}
