/**
 * In-memory config, status and offset stores with the semantics of the Kafka-backed ones in src/storage/
 * (reads from memory, a write is visible once it resolved, a connector tombstone drops its task configs too).
 * Every write is appended to one shared `log` (e.g. `target inv PAUSED`, `task inv-0 RUNNING`), so tests can
 * check what was written and in which order. `hold()` makes writes wait until released.
 */
import type { SourceOffset, SourcePartition } from '../../../src/connect-api/index.js';
import type { ConfigStore, OffsetEntry, OffsetStore, StatusEntry, StatusStore, TargetState } from '../../../src/storage/types.js';

export interface MemoryStores {
  configStore: ConfigStore;
  statusStore: StatusStore;
  offsetStore: OffsetStore;
  /** Every write, in the order it took effect. */
  log: string[];
  /** Holds every write until `release` is called; `waiting` resolves when the first held write arrives. */
  hold(): { release: () => void; waiting: Promise<void> };
  /** Makes the next status write fail with `err`. */
  failNextStatusWrite(err: unknown): void;
}

export function memoryStores(): MemoryStores {
  const log: string[] = [];
  const connectors = new Map<string, Record<string, string>>();
  const taskConfigs = new Map<string, Record<string, string>[]>();
  const targets = new Map<string, TargetState>();
  const connectorStatus = new Map<string, StatusEntry>();
  const taskStatus = new Map<string, Map<number, StatusEntry>>();
  const topics = new Map<string, Set<string>>();
  const offsets = new Map<string, Map<string, { partition: SourcePartition; offset: SourceOffset }>>();
  let gate: Promise<void> | null = null;
  let arrived: (() => void) | null = null;
  let statusFailure: { err: unknown } | null = null;

  async function write(entry: string, apply: () => void): Promise<void> {
    if (gate) {
      arrived?.();
      await gate;
    }
    apply();
    log.push(entry);
  }

  async function statusWrite(entry: string, apply: () => void): Promise<void> {
    if (statusFailure) {
      const { err } = statusFailure;
      statusFailure = null;
      throw err;
    }
    await write(entry, apply);
  }

  const configStore: ConfigStore = {
    connectorNames: () => [...connectors.keys()],
    connectorConfig: (name) => (connectors.has(name) ? { ...connectors.get(name)! } : undefined),
    taskConfigs: (name) => taskConfigs.get(name)?.map((c) => ({ ...c })),
    targetState: (name) => targets.get(name),
    putConnectorConfig: (name, config, targetState) => write(`config ${name}${targetState ? ` ${targetState}` : ''}`, () => {
      if (targetState) targets.set(name, targetState);
      connectors.set(name, { ...config });
    }),
    putTaskConfigs: (name, configs) => write(`task-configs ${name} ${configs.length}`, () => {
      taskConfigs.set(name, configs.map((c) => ({ ...c })));
    }),
    putTargetState: (name, state) => write(`target ${name} ${state}`, () => {
      targets.set(name, state);
    }),
    removeConnector: (name) => write(`remove-config ${name}`, () => {
      connectors.delete(name);
      targets.delete(name);
      taskConfigs.delete(name);
    }),
  };

  const statusStore: StatusStore = {
    connector: (name) => connectorStatus.get(name),
    task: (name, id) => taskStatus.get(name)?.get(id),
    putConnector: (name, status) => statusWrite(`connector ${name} ${status.state}`, () => {
      connectorStatus.set(name, { ...status });
    }),
    putTask: (name, id, status) => statusWrite(`task ${name}-${id} ${status.state}`, () => {
      let byId = taskStatus.get(name);
      if (!byId) taskStatus.set(name, (byId = new Map()));
      byId.set(id, { ...status });
    }),
    remove: (name, taskCount) => statusWrite(`remove-status ${name} ${taskCount}`, () => {
      connectorStatus.delete(name);
      taskStatus.delete(name);
    }),
    activeTopics: (connector) => [...(topics.get(connector) ?? [])],
    putActiveTopic: (connector, topic) => write(`topic ${connector} ${topic}`, () => {
      let set = topics.get(connector);
      if (!set) topics.set(connector, (set = new Set()));
      set.add(topic);
    }),
    resetActiveTopics: (connector) => write(`reset-topics ${connector}`, () => {
      topics.delete(connector);
    }),
  };

  const offsetStore: OffsetStore = {
    offsets: (connector) => [...(offsets.get(connector)?.values() ?? [])].map((e) => ({ partition: { ...e.partition }, offset: { ...e.offset } })),
    offset: (connector, partition) => offsets.get(connector)?.get(JSON.stringify(partition))?.offset ?? null,
    write: (connector, entries: readonly OffsetEntry[]) => write(`offsets ${connector} ${JSON.stringify(entries)}`, () => {
      let byPartition = offsets.get(connector);
      if (!byPartition) offsets.set(connector, (byPartition = new Map()));
      for (const e of entries) {
        const key = JSON.stringify(e.partition);
        if (e.offset === null) byPartition.delete(key);
        else byPartition.set(key, { partition: e.partition, offset: e.offset });
      }
    }),
  };

  return {
    configStore,
    statusStore,
    offsetStore,
    log,
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => { release = r; });
      const waiting = new Promise<void>((r) => { arrived = r; });
      return { release: () => { gate = null; arrived = null; release(); }, waiting };
    },
    failNextStatusWrite(err) {
      statusFailure = { err };
    },
  };
}
