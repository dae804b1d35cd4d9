/**
 * The herder's read side: connector info and statuses in Connect's REST shapes, secrets masked, task
 * progress (an extension) added from the tasks running here.
 */
import type { PluginRegistry } from '../connect-api/index.js';
import type { ConfigStore, StatusStore } from '../storage/types.js';
import { CONNECTOR_CLASS, masked } from './config-check.js';
import { NotFoundError } from './errors.js';
import type { RunningTasks } from './running-tasks.js';
import type { ConnectorInfo, ConnectorStateInfo, TaskState } from './types.js';

export interface ViewDeps {
  configStore: ConfigStore;
  statusStore: StatusStore;
  registry: PluginRegistry;
  running: RunningTasks;
  recordedTaskCount: (name: string) => number;
}

export function createViews({ configStore, statusStore, registry, running, recordedTaskCount }: ViewDeps) {
  function requireConfig(name: string): Record<string, string> {
    const config = configStore.connectorConfig(name);
    if (!config) throw new NotFoundError(`Connector ${name} not found`, 'GET /connectors lists the connectors of this worker.');
    return config;
  }

  const pluginFor = (config: Readonly<Record<string, string>>) => registry.find(config[CONNECTOR_CLASS] ?? '');

  function connectorInfo(name: string): ConnectorInfo {
    const config = requireConfig(name);
    const plugin = pluginFor(config);
    const count = configStore.taskConfigs(name)?.length ?? 0;
    return {
      name,
      config: masked(plugin, config, registry),
      tasks: Array.from({ length: count }, (_, task) => ({ connector: name, task })),
      type: plugin?.type ?? 'unknown',
    };
  }

  function taskState(name: string, id: number, withProgress: boolean): TaskState | undefined {
    const entry = statusStore.task(name, id);
    if (!entry) return undefined;
    const state: TaskState = { id, state: entry.state, worker_id: entry.workerId };
    if (entry.trace) state.trace = entry.trace;
    const progress = withProgress ? running.progress(name, id) : undefined;
    if (progress) state.progress = progress;
    return state;
  }

  function connectorStatus(name: string): ConnectorStateInfo {
    const config = requireConfig(name);
    const entry = statusStore.connector(name);
    if (!entry) throw new NotFoundError(`No status found for connector ${name}`);
    const tasks: TaskState[] = [];
    const count = recordedTaskCount(name);
    for (let id = 0; id < count; id++) {
      const state = taskState(name, id, true);
      if (state) tasks.push(state);
    }
    const connector = { state: entry.state, worker_id: entry.workerId, ...(entry.trace ? { trace: entry.trace } : {}) };
    return { name, connector, tasks, type: pluginFor(config)?.type ?? 'unknown' };
  }

  return { requireConfig, pluginFor, connectorInfo, taskState, connectorStatus };
}
