/**
 * The herder: Kafka Connect's connector/task lifecycle. State lives in the config/status/offset stores (Kafka
 * topics in Connect's formats); this object runs the tasks and answers the REST API's questions. Every change goes
 * through one serial queue, like Connect's herder thread. In a group of workers (`cluster`), config changes are
 * made by the leader (others get a ForwardError), restarts by the worker running the connector, and this worker
 * runs only the connectors the group assigned to it (./assignment.ts).
 */
import { describeConfigKeys, restoreMaskedSecrets, type ConfigDef, type ConfigInfos } from '../connect-api/index.js';
import type { PluginRegistry } from '../connect-api/index.js';
import { ConfigError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { ConfigStore, OffsetStore, StatusStore, TargetState } from '../storage/types.js';
import { checkConnectorConfig, CONNECTOR_CLASS, defFor, invalidConfigMessage, masked, withoutNulls, type ClientSettingsCheck, type ConfigResolver } from './config-check.js';
import { createAssignedWork } from './assignment.js';
import { AlreadyExistsError, BadRequestError, ConflictError, ForwardError, NotFoundError } from './errors.js';
import { createLifecycle } from './lifecycle.js';
import { alterOffsets, checkOffsetsAtSource, parseOffsetEntries, readOffsets, requireStopped, resetOffsets } from './offsets.js';
import { extraPluginConfig, extraPlugins, pluginConfigDef } from './plugin-info.js';
import { createRunningTasks } from './running-tasks.js';
import { createSerialQueue } from './serial.js';
import { createViews } from './views.js';
import type { AssignedWork, Herder, HerderCluster, InitialState, TaskLauncher } from './types.js';

export interface HerderOptions {
  /** How this worker appears in statuses (`worker_id`), Connect-style `host:port`; read from start() on. */
  workerId: () => string;
  configStore: ConfigStore;
  statusStore: StatusStore;
  offsetStore: OffsetStore;
  registry: PluginRegistry;
  launchTask: TaskLauncher;
  /** Config-provider resolution (`${env:…}`, `${file:…}`); identity when the worker enables none. */
  resolveConfig?: ConfigResolver;
  /** Errors (by key) in the Kafka client settings a connector config carries (`producer.override.*`, ...). */
  checkClientSettings?: ClientSettingsCheck;
  logger: Logger;
  /** Version shown for built-in converters in GET /connector-plugins?connectorsOnly=false. */
  version: string;
  /** Distributed mode: the group this worker is a member of. */
  cluster?: HerderCluster;
  /** Base URL of another worker's REST API from its id (host:port); default `http://<id>`. */
  workerUrl?: (workerId: string) => string;
}

/**
 * The longest connector name accepted at creation: Kafka's topic-name limit, so that a name stays usable in
 * topic names, keys of the internal topics and (percent-encoded) in URLs.
 */
export const MAX_CONNECTOR_NAME_LENGTH = 249;

const INITIAL_TO_TARGET: Record<InitialState, TargetState> = { RUNNING: 'STARTED', PAUSED: 'PAUSED', STOPPED: 'STOPPED' };

export function createHerder(options: HerderOptions): Herder {
  const { configStore, statusStore, offsetStore, registry, logger } = options;
  const resolve: ConfigResolver = options.resolveConfig ?? ((props) => ({ props: { ...props }, provided: [] }));
  const queue = createSerialQueue();
  const running = createRunningTasks();
  let ready = false;
  let stopping = false;
  let generation = 0;
  const cluster = options.cluster;
  // Distributed mode: the connectors assigned to this worker. Alone, a worker runs them all.
  const owned = new Set<string>();
  const owns = (name: string) => !cluster || owned.has(name);

  const lifecycle = createLifecycle({
    workerId: options.workerId,
    generation: () => generation,
    configStore,
    statusStore,
    registry,
    resolve,
    launchTask: options.launchTask,
    running,
    logger,
    later: (op) => void queue.run(op).catch((err: unknown) => logger.error({ err: String(err) }, 'handling a task exit failed')),
    shuttingDown: () => stopping,
  });

  /** Runs a change in the queue, refusing it once the worker is shutting down. */
  function change<T>(op: () => Promise<T>): Promise<T> {
    if (stopping) return Promise.reject(new ConflictError('The worker is shutting down'));
    return queue.run(async () => {
      if (stopping) throw new ConflictError('The worker is shutting down');
      return op();
    });
  }

  const { requireConfig, pluginFor, connectorInfo, taskState, connectorStatus } = createViews({
    configStore,
    statusStore,
    registry,
    running,
    recordedTaskCount: lifecycle.recordedTaskCount,
  });

  const assigned: AssignedWork = cluster
    ? createAssignedWork({
        owned, lifecycle, running, configStore, statusStore, queue, logger,
        onGeneration: (g) => (generation = Math.max(generation, g)),
        shuttingDown: () => stopping,
      })
    : { owned: () => configStore.connectorNames(), apply: async () => undefined, releaseAll: async () => undefined, reconcile: () => undefined };

  /** Config changes are the leader's (Connect's rule); a follower's REST layer forwards them. */
  const leaderGate = () => cluster?.leaderGate() ?? Promise.resolve();

  /** Restarts and snapshot commands reach the worker running the connector. */
  function ownerGate(name: string): void {
    if (owns(name)) return;
    const workerId = statusStore.connector(name)?.workerId;
    if (!workerId || workerId === cluster!.workerId()) {
      throw new ConflictError(`Connector ${name} is not running on any worker right now (the group is assigning it); retry shortly.`);
    }
    throw new ForwardError(options.workerUrl?.(workerId) ?? `http://${workerId}`, `Connector ${name} runs on worker ${workerId}`);
  }

  /** Restores masked secrets and validates; throws Connect's 400 for an invalid config. */
  async function checkedConfig(name: string, config: Record<string, string | null>): Promise<Record<string, string>> {
    const { props, nullKeys } = withoutNulls(config);
    let restored: Record<string, string>;
    try {
      restored = restoreMaskedSecrets(defFor(pluginFor(props), props, registry), props, configStore.connectorConfig(name));
    } catch (err) {
      if (err instanceof ConfigError) throw new BadRequestError(err.message, err.fix);
      throw err;
    }
    const withNulls: Record<string, string | null> = { ...restored };
    for (const key of nullKeys) withNulls[key] = null;
    const { infos } = await checkConnectorConfig(withNulls, registry, resolve, options.checkClientSettings);
    if (infos.error_count > 0) throw new BadRequestError(invalidConfigMessage(infos));
    return restored;
  }

  async function putConfig(name: string, config: Record<string, string>, created: boolean, initialState?: InitialState): Promise<void> {
    await configStore.putConnectorConfig(name, config, created && initialState ? INITIAL_TO_TARGET[initialState] : undefined);
    logger.info({ connector: name, class: config[CONNECTOR_CLASS] }, created ? 'connector created' : 'connector config updated');
    // In a group, a connector running elsewhere picks the change up from the config topic.
    if (owns(name)) await lifecycle.startConnector(name);
  }

  async function setTargetState(name: string, target: TargetState, apply: () => Promise<void>): Promise<void> {
    requireConfig(name);
    if ((configStore.targetState(name) ?? 'STARTED') === target && statusStore.connector(name)?.state !== 'UNASSIGNED') return;
    await configStore.putTargetState(name, target);
    logger.info({ connector: name, target }, 'connector target state changed');
    if (owns(name)) await apply();
  }

  const herder: Herder = {
    async start() {
      // A restarted worker is a new generation, as a rejoin is in Connect; statuses carry the number.
      for (const name of configStore.connectorNames()) {
        generation = Math.max(generation, statusStore.connector(name)?.generation ?? -1);
        for (let i = 0; i < lifecycle.recordedTaskCount(name); i++) generation = Math.max(generation, statusStore.task(name, i)?.generation ?? -1);
      }
      generation += 1;
      // In a group, connectors start as the group assigns them.
      for (const name of cluster ? [] : configStore.connectorNames()) {
        await queue.run(() => lifecycle.startConnector(name)).catch((err: unknown) => lifecycle.failConnector(name, err));
      }
      ready = true;
      logger.info({ connectors: configStore.connectorNames().length, generation }, 'herder started');
    },

    async stop() {
      stopping = true;
      await queue.run(() => lifecycle.shutdown(cluster ? [...owned] : undefined));
      logger.info('herder stopped');
    },

    isReady: () => ready,
    connectors: () => [...configStore.connectorNames()].sort(),
    connectorInfo,
    connectorConfig: (name) => connectorInfo(name).config,
    connectorStatus,

    taskStatus(name, id) {
      const state = taskState(name, id, true);
      if (!state) throw new NotFoundError(`No status found for task ${name}-${id}`);
      return state;
    },

    taskConfigs(name) {
      requireConfig(name);
      return (configStore.taskConfigs(name) ?? []).map((config, task) => ({
        id: { connector: name, task },
        config: masked(pluginFor(config), config, registry),
      }));
    },

    tasksConfig(name) {
      const out: Record<string, Record<string, string>> = {};
      for (const { id, config } of herder.taskConfigs(name)) out[`${name}-${id.task}`] = config;
      return out;
    },

    // As in Connect, an unknown connector simply has no active topics.
    activeTopics: (name) => statusStore.activeTopics(name),
    resetActiveTopics: (name) => change(() => statusStore.resetActiveTopics(name)),

    async putConnectorConfig(name, config, { allowReplace, initialState }) {
      await leaderGate();
      if (configStore.connectorConfig(name) === undefined && [...name].length > MAX_CONNECTOR_NAME_LENGTH) {
        throw new BadRequestError(`Connector name is too long: ${[...name].length} characters; the limit is ${MAX_CONNECTOR_NAME_LENGTH}`,
          `Choose a name of at most ${MAX_CONNECTOR_NAME_LENGTH} characters.`);
      }
      // Validation may reach the database, so it runs outside the queue; the write re-checks existence inside.
      const props = await checkedConfig(name, config);
      const created = await change(async () => {
        const exists = configStore.connectorConfig(name) !== undefined;
        if (exists && !allowReplace) throw new AlreadyExistsError(`Connector ${name} already exists`);
        await putConfig(name, props, !exists, initialState);
        return !exists;
      });
      // A new connector is given out by a group round (outside the queue, which applies the round).
      if (created && cluster) await cluster.rebalance();
      return { created, result: connectorInfo(name) };
    },

    async patchConnectorConfig(name, patch) {
      await leaderGate();
      const current = requireConfig(name);
      const merged: Record<string, string> = { ...current };
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      const props = await checkedConfig(name, merged);
      return change(async () => {
        requireConfig(name);
        await putConfig(name, props, false);
        return connectorInfo(name);
      });
    },

    deleteConnector: async (name) => {
      await leaderGate();
      await change(async () => {
        const config = requireConfig(name);
        if (!owns(name)) {
          // The worker running it stops it and cleans up when it reads the tombstone.
          const recorded = lifecycle.recordedTaskCount(name);
          await configStore.removeConnector(name);
          await statusStore.remove(name, recorded);
          logger.info({ connector: name, class: config[CONNECTOR_CLASS] }, 'connector deleted');
          return;
        }
        owned.delete(name);
        lifecycle.forget(name);
        await lifecycle.stopTasks(name);
        const recorded = lifecycle.recordedTaskCount(name);
        let prepared;
        try {
          prepared = lifecycle.prepare(name);
        } catch {
          prepared = undefined; // no plugin or an invalid config: nothing for onDelete to clean up with
        }
        await configStore.removeConnector(name);
        await statusStore.remove(name, recorded);
        logger.info({ connector: name, class: config[CONNECTOR_CLASS] }, 'connector deleted');
        if (prepared?.plugin.onDelete) {
          try {
            await prepared.plugin.onDelete(prepared.settings, logger.child({ connector: name }));
          } catch (err) {
            logger.warn({ connector: name, err: err instanceof Error ? err.message : String(err) }, 'connector cleanup after delete failed');
          }
        }
      });
      if (cluster) await cluster.rebalance();
    },

    pauseConnector: (name) => leaderGate().then(() => change(() => setTargetState(name, 'PAUSED', () => lifecycle.applyPaused(name)))),
    resumeConnector: (name) => leaderGate().then(() => change(() => setTargetState(name, 'STARTED', () => lifecycle.startConnector(name)))),
    stopConnector: (name) => leaderGate().then(() => change(() => setTargetState(name, 'STOPPED', () => lifecycle.applyStopped(name)))),

    restartConnector: (name) =>
      change(async () => {
        requireConfig(name);
        ownerGate(name);
        await lifecycle.startConnector(name, false);
      }),

    restartConnectorAndTasks: (name, { includeTasks, onlyFailed }) =>
      change(async () => {
        requireConfig(name);
        ownerGate(name);
        const current = connectorStatus(name);
        const restartConnector = !onlyFailed || current.connector.state === 'FAILED';
        const taskIds = current.tasks.filter((t) => includeTasks && (!onlyFailed || t.state === 'FAILED')).map((t) => t.id);
        const marked = lifecycle.status('RESTARTING');
        if (restartConnector) await statusStore.putConnector(name, marked);
        for (const id of taskIds) await statusStore.putTask(name, id, marked);
        const answer = connectorStatus(name);
        // The restart itself happens after answering, as Connect's 202 says: accepted, not done.
        void queue
          .run(async () => {
            if (stopping || !configStore.connectorConfig(name) || !owns(name)) return;
            if (restartConnector) await lifecycle.startConnector(name, false);
            for (const id of taskIds) await lifecycle.restartTask(name, id);
          })
          .catch((err: unknown) => logger.error({ connector: name, err: String(err) }, 'restart failed'));
        return answer;
      }),

    restartTask: (name, taskId) =>
      change(async () => {
        requireConfig(name);
        ownerGate(name);
        if (!configStore.taskConfigs(name)?.[taskId]) throw new NotFoundError(`Task ${name}-${taskId} not found`);
        await lifecycle.restartTask(name, taskId);
      }),

    connectorOffsets(name) {
      requireConfig(name);
      return readOffsets(offsetStore, name);
    },

    alterConnectorOffsets: (name, offsets) =>
      leaderGate().then(() => change(async () => {
        requireConfig(name);
        requireStopped(configStore, name);
        const entries = parseOffsetEntries(offsets);
        let prepared;
        try {
          prepared = lifecycle.prepare(name);
        } catch {
          prepared = undefined; // plugin missing or config invalid: nothing can check the position; don't block the fix
        }
        if (prepared) await checkOffsetsAtSource(prepared, entries);
        return alterOffsets(offsetStore, name, entries);
      })),

    resetConnectorOffsets: (name) =>
      leaderGate().then(() => change(async () => {
        requireConfig(name);
        requireStopped(configStore, name);
        return resetOffsets(offsetStore, name);
      })),

    snapshotCommand: (name, command) =>
      change(async () => {
        const config = requireConfig(name);
        ownerGate(name);
        const target = configStore.targetState(name) ?? 'STARTED';
        if (target !== 'STARTED') {
          throw new ConflictError(`Connector ${name} is ${target === 'PAUSED' ? 'paused' : 'stopped'}; ad-hoc snapshot commands go to its running task. Resume it first (PUT /connectors/${name}/resume).`);
        }
        const answers = running.signal(name, command);
        if (answers.length === 0) {
          const states = connectorStatus(name).tasks.map((t) => `task ${t.id} is ${t.state}`).join(', ') || 'it has no tasks';
          throw new ConflictError(`Connector ${name} has no running task to take the command (${states}); restart it first.`);
        }
        if (answers.every((a) => a.outcome === 'unsupported')) {
          throw new ConflictError(`Connector ${name} (${config[CONNECTOR_CLASS] ?? 'unknown class'}) does not take ad-hoc snapshot commands.`);
        }
        if (answers.some((a) => a.outcome === 'accepted')) {
          logger.info({ connector: name, command: command.kind, id: command.id }, 'ad-hoc snapshot command accepted');
          return;
        }
        const refused = answers.filter((a) => a.outcome === 'refused');
        throw new BadRequestError(refused.length === 1 ? refused[0]!.reason! : refused.map((a) => `task ${a.taskId}: ${a.reason}`).join('; '));
      }),

    plugins(connectorsOnly) {
      const connectors = registry.all().map((p) => ({ class: p.className, type: p.type, version: p.version }));
      if (connectorsOnly) return connectors;
      const smts = [...registry.transformations(), ...registry.predicates()].map((p) => ({ class: p.className, type: p.kind, version: p.version }));
      return [...connectors, ...smts, ...extraPlugins(options.version)];
    },

    pluginConfig(pluginName) {
      const plugin = registry.find(pluginName);
      const def: ConfigDef | undefined = plugin ? pluginConfigDef(plugin)
        : registry.findTransformation(pluginName)?.configDef ?? registry.findPredicate(pluginName)?.configDef ?? extraPluginConfig(pluginName);
      if (!def) throw new NotFoundError(`Unknown plugin ${pluginName}.`);
      return describeConfigKeys(def);
    },

    async validateConnectorConfig(config): Promise<ConfigInfos> {
      return (await checkConnectorConfig(config, registry, resolve, options.checkClientSettings)).infos;
    },

    assigned,
  };
  return herder;
}
