/**
 * Config and status stores held in memory, for standalone mode (Connect's MemoryConfigBackingStore and
 * MemoryStatusBackingStore): what the connector files and the REST API set lasts until the process stops. Same
 * semantics as the topic-backed stores: a write is visible once it resolved, a connector's removal drops its task
 * configs and target state, a DESTROYED status is a removal (Connect writes it as a tombstone).
 */
import type { ConfigStore, StatusEntry, StatusStore, TargetState } from './types.js';

const copy = (config: Readonly<Record<string, string>>) => ({ ...config });

export function createMemoryConfigStore(): ConfigStore {
  const connectors = new Map<string, Record<string, string>>();
  const taskConfigs = new Map<string, Record<string, string>[]>();
  const targetStates = new Map<string, TargetState>();
  return {
    connectorNames: () => [...connectors.keys()],
    connectorConfig: (name) => (connectors.has(name) ? copy(connectors.get(name)!) : undefined),
    taskConfigs: (name) => taskConfigs.get(name)?.map(copy),
    targetState: (name) => targetStates.get(name),
    async putConnectorConfig(name, config, targetState) {
      connectors.set(name, copy(config));
      if (targetState) targetStates.set(name, targetState);
      else if (!targetStates.has(name)) targetStates.set(name, 'STARTED');
    },
    async putTaskConfigs(name, configs) {
      taskConfigs.set(name, configs.map(copy));
    },
    async putTargetState(name, state) {
      targetStates.set(name, state);
    },
    async removeConnector(name) {
      connectors.delete(name);
      taskConfigs.delete(name);
      targetStates.delete(name);
    },
  };
}

export function createMemoryStatusStore(): StatusStore {
  const connectors = new Map<string, StatusEntry>();
  const tasks = new Map<string, Map<number, StatusEntry>>();
  const topics = new Map<string, Set<string>>();
  return {
    connector: (name) => connectors.get(name),
    task: (name, taskId) => tasks.get(name)?.get(taskId),
    async putConnector(name, status) {
      if (status.state === 'DESTROYED') {
        connectors.delete(name);
        tasks.delete(name);
      } else connectors.set(name, { ...status });
    },
    async putTask(name, taskId, status) {
      let byId = tasks.get(name);
      if (status.state === 'DESTROYED') {
        byId?.delete(taskId);
        return;
      }
      if (!byId) tasks.set(name, (byId = new Map()));
      byId.set(taskId, { ...status });
    },
    async remove(name) {
      connectors.delete(name);
      tasks.delete(name);
    },
    activeTopics: (connector) => [...(topics.get(connector) ?? [])],
    async putActiveTopic(connector, topic) {
      let set = topics.get(connector);
      if (!set) topics.set(connector, (set = new Set()));
      set.add(topic);
    },
    async resetActiveTopics(connector) {
      topics.delete(connector);
    },
  };
}
