/**
 * Bringing connectors and their tasks into their target state, and writing the statuses Connect writes on the
 * way (RUNNING, PAUSED, STOPPED, FAILED with trace, UNASSIGNED on shutdown). Single worker per group.id: this
 * worker runs every task, so there is no assignment, only a generation number for the status records.
 * Callers run these functions inside the herder's serial queue.
 */
import { collectSecretValues, parseConnectorConfig, redactSecretsInText, type ConfigValue, type ConnectorPlugin } from '../connect-api/index.js';
import type { PluginRegistry } from '../connect-api/index.js';
import { CdcError, ConfigError, errorTrace } from '../errors/index.js';
import { scrubbingLogger, type Logger } from '../logging/index.js';
import type { ConfigStore, RuntimeState, StatusEntry, StatusStore, TargetState } from '../storage/types.js';
import { CONNECTOR_CLASS, defFor, providedScrubber, sameConfigs, unresolveTaskConfigs, type ConfigResolver } from './config-check.js';
import type { RunningTasks } from './running-tasks.js';
import type { TaskLauncher, TaskOutcome } from './types.js';

/** A connector's config made ready to run: plugin found, providers resolved, parsed. */
export interface PreparedConnector {
  name: string;
  plugin: ConnectorPlugin;
  raw: Record<string, string>;
  resolved: Record<string, string>;
  settings: Record<string, ConfigValue>;
  /** Secret values, to scrub from traces and log lines. */
  secrets: string[];
}

export interface LifecycleDeps {
  workerId: () => string;
  generation: () => number;
  configStore: ConfigStore;
  statusStore: StatusStore;
  registry: PluginRegistry;
  resolve: ConfigResolver;
  launchTask: TaskLauncher;
  running: RunningTasks;
  logger: Logger;
  /** Queues work after the current operation (task exits are handled there, never concurrently). */
  later: (op: () => Promise<void>) => void;
  shuttingDown: () => boolean;
}

export class PluginMissingError extends CdcError {
  constructor(name: string, cls: string) {
    super('PLUGIN_NOT_FOUND', `Connector ${name} uses connector.class ${cls}, which is not installed on this worker`, {
      retriable: false,
      fix: 'Install the plugin (plugin.path) and restart the worker, or delete the connector.',
    });
  }
}

/** The config and target state a connector was last brought to on this worker. */
export interface AppliedState {
  config: Record<string, string>;
  target: TargetState;
}

export function createLifecycle(deps: LifecycleDeps) {
  const { configStore, statusStore, registry, running, logger } = deps;
  const applied = new Map<string, AppliedState>();
  const noteApplied = (name: string, target: TargetState) => {
    const config = configStore.connectorConfig(name);
    if (config) applied.set(name, { config, target });
  };

  const status = (state: RuntimeState, trace: string | null = null): StatusEntry => ({
    state,
    trace,
    workerId: deps.workerId(),
    generation: deps.generation(),
  });

  function prepare(name: string, raw = configStore.connectorConfig(name)): PreparedConnector {
    if (!raw) throw new ConfigError(`Connector ${name} has no config`);
    const cls = raw[CONNECTOR_CLASS] ?? '';
    const plugin = registry.find(cls);
    if (!plugin) throw new PluginMissingError(name, cls);
    const { props: resolved, provided } = deps.resolve(raw);
    const parsed = parseConnectorConfig(plugin.configDef, resolved, registry);
    // Secret-typed values and every value a config provider gave: all are kept out of traces and log lines.
    const secrets = [...new Set([...collectSecretValues(defFor(plugin, resolved, registry), resolved), ...provided])];
    const scrub = providedScrubber(raw, resolved, secrets);
    const problems = Object.entries(parsed.errors).map(([key, messages]) => `${key}: ${messages.map((m) => scrub(m, key)).join('; ')}`);
    if (problems.length > 0) {
      throw new ConfigError(`Connector ${name} has an invalid config: ${problems.join(' | ')}`, undefined, {
        fix: `Correct the config with PUT /connectors/${name}/config.`,
      });
    }
    for (const [key, why] of Object.entries(parsed.warnings)) logger.warn({ connector: name, key }, `connector setting ${key}: ${scrub(why, key)}`);
    return { name, plugin, raw, resolved, settings: parsed.settings, secrets };
  }

  const traceOf = (err: unknown, secrets: readonly string[]) => redactSecretsInText(errorTrace(err), secrets);

  async function failConnector(name: string, err: unknown, secrets: readonly string[] = []): Promise<void> {
    const trace = traceOf(err, secrets);
    logger.error({ connector: name, err: redactSecretsInText(err instanceof Error ? err.message : String(err), secrets) }, 'connector failed');
    await statusStore.putConnector(name, status('FAILED', trace));
  }

  /** Task statuses recorded for the connector, whether or not it still has that many task configs. */
  function recordedTaskCount(name: string): number {
    let n = configStore.taskConfigs(name)?.length ?? 0;
    while (statusStore.task(name, n)) n++;
    return n;
  }

  /** Asks the plugin for task configs; writes them (task-… + commit-…) only when they changed. */
  async function generateTaskConfigs(p: PreparedConnector): Promise<{ count: number; changed: boolean }> {
    const max = p.settings['tasks.max'] as number;
    const generated = p.plugin.taskConfigs(p.resolved, max);
    if (generated.length > max) {
      throw new CdcError('TOO_MANY_TASKS', `The connector ${p.name} has generated ${generated.length} tasks, which is greater than ${max}, the maximum number of tasks it is configured to create.`, {
        fix: 'This is a bug in the connector plugin; report it.',
      });
    }
    const toStore = unresolveTaskConfigs(p.raw, p.resolved, generated);
    const before = recordedTaskCount(p.name);
    if (sameConfigs(configStore.taskConfigs(p.name), toStore)) return { count: toStore.length, changed: false };
    await configStore.putTaskConfigs(p.name, toStore);
    // Fewer tasks than before: the statuses of the ones gone are dropped (the connector's is rewritten next).
    if (before > toStore.length) await statusStore.remove(p.name, before);
    return { count: toStore.length, changed: true };
  }

  async function onTaskExit(p: PreparedConnector, taskId: number, outcome: TaskOutcome): Promise<void> {
    // Stale if the worker is stopping, the task was restarted meanwhile, or the connector was paused/stopped/deleted.
    if (deps.shuttingDown() || running.isRunning(p.name, taskId)) return;
    if (!configStore.connectorConfig(p.name) || (configStore.targetState(p.name) ?? 'STARTED') !== 'STARTED') return;
    const taskLogger = logger.child({ connector: p.name, task: taskId });
    if (outcome.outcome === 'failed') {
      const trace = traceOf(outcome.error, p.secrets);
      taskLogger.error({ trace }, 'task failed; it stays FAILED until restarted (POST /connectors/{name}/tasks/{id}/restart)');
      await statusStore.putTask(p.name, taskId, status('FAILED', trace));
    } else {
      // A task that finished its work (e.g. a snapshot-only run) stays RUNNING, as an idle Connect task would.
      taskLogger.info('task finished its work');
    }
  }

  async function startTask(p: PreparedConnector, taskId: number): Promise<void> {
    const rawTask = configStore.taskConfigs(p.name)?.[taskId];
    if (!rawTask || running.isRunning(p.name, taskId)) return;
    let secrets: readonly string[] = p.secrets;
    try {
      // A task config may hold keys of its own (the plugin generates it), with references of their own.
      const { props: taskConfig, provided } = deps.resolve(rawTask);
      if (provided.length > 0) secrets = [...new Set([...p.secrets, ...provided])];
      const taskLogger = scrubbingLogger(logger.child({ connector: p.name, task: taskId }), (text) => redactSecretsInText(text, secrets));
      const handle = deps.launchTask({
        connector: p.name,
        taskId,
        plugin: p.plugin,
        taskConfig,
        connectorConfig: p.resolved,
        settings: p.settings,
        logger: taskLogger,
        secrets,
      });
      running.add(p.name, taskId, handle, (outcome) => deps.later(() => onTaskExit(p, taskId, outcome)));
      await statusStore.putTask(p.name, taskId, status('RUNNING'));
      taskLogger.info('task started');
    } catch (err) {
      const trace = traceOf(err, secrets);
      logger.error({ connector: p.name, task: taskId, trace }, 'task could not start');
      await statusStore.putTask(p.name, taskId, status('FAILED', trace));
    }
  }

  async function stopTasks(name: string, taskId?: number): Promise<void> {
    const errors = await running.stop(name, taskId);
    for (const err of errors) logger.warn({ connector: name, err: err instanceof Error ? err.message : String(err) }, 'task did not stop cleanly');
  }

  async function markTasks(name: string, state: RuntimeState): Promise<void> {
    const count = configStore.taskConfigs(name)?.length ?? 0;
    for (let i = 0; i < count; i++) await statusStore.putTask(name, i, status(state));
  }

  /** KIP-875 stop: tasks shut down, task configs emptied, task statuses gone, connector STOPPED. */
  async function applyStopped(name: string): Promise<void> {
    noteApplied(name, 'STOPPED');
    await stopTasks(name);
    const recorded = recordedTaskCount(name);
    if ((configStore.taskConfigs(name)?.length ?? 0) > 0) await configStore.putTaskConfigs(name, []);
    if (recorded > 0) await statusStore.remove(name, recorded);
    await statusStore.putConnector(name, status('STOPPED'));
  }

  async function applyPaused(name: string): Promise<void> {
    noteApplied(name, 'PAUSED');
    await stopTasks(name);
    await statusStore.putConnector(name, status('PAUSED'));
    // Connect's rule: a failed task stays FAILED (with its trace) until it is restarted; pausing does not hide it.
    const count = configStore.taskConfigs(name)?.length ?? 0;
    for (let i = 0; i < count; i++) {
      if (statusStore.task(name, i)?.state !== 'FAILED') await statusStore.putTask(name, i, status('PAUSED'));
    }
  }

  /**
   * (Re)starts a connector in its target state. With `restartTasks` false, tasks already running keep running
   * unless their configs changed (Connect's plain connector restart); otherwise all are restarted.
   */
  async function startConnector(name: string, restartTasks = true): Promise<void> {
    const target = configStore.targetState(name) ?? 'STARTED';
    if (target === 'STOPPED') return applyStopped(name);
    if (target === 'PAUSED') return applyPaused(name);
    noteApplied(name, 'STARTED');
    let p: PreparedConnector;
    try {
      p = prepare(name);
    } catch (err) {
      await stopTasks(name);
      return failConnector(name, err);
    }
    let count: number;
    try {
      const generated = await generateTaskConfigs(p);
      count = generated.count;
      if (generated.changed) restartTasks = true;
    } catch (err) {
      await stopTasks(name);
      return failConnector(name, err, p.secrets);
    }
    if (restartTasks) await stopTasks(name);
    await statusStore.putConnector(name, status('RUNNING'));
    for (let i = 0; i < count; i++) {
      // A plain connector restart leaves FAILED tasks FAILED, as Connect does; only a task restart revives them.
      // Tasks marked RESTARTING are started once, by the restart request that marked them, right after this.
      const state = statusStore.task(name, i)?.state;
      if (!restartTasks && !running.isRunning(name, i) && (state === 'FAILED' || state === 'RESTARTING')) continue;
      await startTask(p, i);
    }
  }

  /** Restarts one task in the connector's target state. */
  async function restartTask(name: string, taskId: number): Promise<void> {
    await stopTasks(name, taskId);
    const target = configStore.targetState(name) ?? 'STARTED';
    if (target === 'PAUSED') return statusStore.putTask(name, taskId, status('PAUSED'));
    if (target === 'STOPPED') return;
    let p: PreparedConnector;
    try {
      p = prepare(name);
    } catch (err) {
      return statusStore.putTask(name, taskId, status('FAILED', traceOf(err, [])));
    }
    await startTask(p, taskId);
  }

  /** Worker shutdown: stop everything, then mark what ran here (`names`) UNASSIGNED, as Connect does when a worker leaves. */
  async function shutdown(names: readonly string[] = configStore.connectorNames()): Promise<void> {
    const errors = await running.stopAll();
    for (const err of errors) logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'task did not stop cleanly');
    for (const name of names) {
      if (!configStore.connectorConfig(name)) continue;
      try {
        await markTasks(name, 'UNASSIGNED');
        await statusStore.putConnector(name, status('UNASSIGNED'));
      } catch (err) {
        logger.warn({ connector: name, err: err instanceof Error ? err.message : String(err) }, 'could not record UNASSIGNED status at shutdown');
      }
    }
  }

  /** Stops a connector's tasks here and, unless `silent` (dropped from the group), marks them UNASSIGNED. */
  async function release(name: string, silent: boolean): Promise<void> {
    await stopTasks(name);
    applied.delete(name);
    if (silent || !configStore.connectorConfig(name)) return;
    await markTasks(name, 'UNASSIGNED');
    await statusStore.putConnector(name, status('UNASSIGNED'));
  }

  return {
    status, prepare, startConnector, restartTask, stopTasks, applyStopped, applyPaused, shutdown, recordedTaskCount, failConnector, release,
    applied: (name: string) => applied.get(name),
    forget: (name: string) => applied.delete(name),
  };
}

