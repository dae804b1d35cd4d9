/**
 * The herder's API, in the shapes Kafka Connect's REST entities have (ConnectorInfo, ConnectorStateInfo,
 * TaskInfo, ConnectorOffsets, Message), so the REST layer only serialises them.
 */
import type { ConfigInfo, ConfigInfos, ConfigValue, ConnectorPlugin, SnapshotCommand, SourceOffset, SourcePartition, TaskProgress } from '../connect-api/index.js';
import type { Logger } from '../logging/index.js';
import type { TargetState } from '../storage/types.js';

export type ConnectorType = 'source' | 'sink' | 'unknown';

export interface ConnectorTaskId {
  connector: string;
  task: number;
}

export interface ConnectorInfo {
  name: string;
  /** The stored config with secrets masked. */
  config: Record<string, string>;
  tasks: ConnectorTaskId[];
  type: ConnectorType;
}

export interface ConnectorState {
  state: string;
  worker_id: string;
  /** Only present when there is one (Connect omits an empty trace). */
  trace?: string;
}

export interface TaskState extends ConnectorState {
  id: number;
  /** Extension: the task's last reported progress, when it is running on this worker. */
  progress?: TaskProgress;
}

export interface ConnectorStateInfo {
  name: string;
  connector: ConnectorState;
  tasks: TaskState[];
  type: ConnectorType;
}

export interface TaskInfo {
  id: ConnectorTaskId;
  config: Record<string, string>;
}

export interface ConnectorOffsets {
  offsets: Array<{ partition: SourcePartition; offset: SourceOffset }>;
}

export interface Message {
  message: string;
}

export interface Created<T> {
  created: boolean;
  result: T;
}

/** Connect's `initial_state` (KIP-980): note RUNNING here is STARTED in the config topic. */
export type InitialState = 'RUNNING' | 'PAUSED' | 'STOPPED';

export interface RestartRequest {
  includeTasks: boolean;
  onlyFailed: boolean;
}

export interface PluginDescription {
  class: string;
  type: string;
  version: string;
}

/**
 * How the herder fits in a group of workers (src/worker wires it to the group membership). Without one, the
 * herder runs every connector itself (one worker per group.id).
 */
export interface HerderCluster {
  /**
   * Before a config change: resolves when this worker leads the group (waiting out a round under way); throws
   * ForwardError with the leader's URL on a follower, ConflictError while a follower's group rebalances.
   */
  leaderGate(): Promise<void>;
  /** A connector was added or deleted: resolves once the round that gives it out has been applied here. */
  rebalance(): Promise<void>;
  /** This worker's `worker_id`, to tell own statuses from others'. */
  workerId(): string;
}

/** What the group membership asks of the herder (distributed mode). */
export interface AssignedWork {
  /** Connectors this worker runs (its allocation in the group metadata). */
  owned(): string[];
  /** Stops the revoked connectors (statuses UNASSIGNED), then starts the assigned ones in their target state. */
  apply(generation: number, assigned: readonly string[], revoked: readonly string[]): Promise<void>;
  /** Dropped from the group: stops everything, writing no status (another worker may run it by now). */
  releaseAll(): Promise<void>;
  /** A connector's config or target state changed in the config topic: bring it to that state if it runs here. */
  reconcile(name: string): void;
}

export interface Herder {
  /** Rebuilds connectors from the stores and starts each in its target state (distributed: assignments do). */
  start(): Promise<void>;
  /** Stops every task (flushing and committing offsets) and marks statuses UNASSIGNED. */
  stop(): Promise<void>;
  isReady(): boolean;

  connectors(): string[];
  connectorInfo(name: string): ConnectorInfo;
  connectorConfig(name: string): Record<string, string>;
  connectorStatus(name: string): ConnectorStateInfo;
  taskStatus(name: string, taskId: number): TaskState;
  taskConfigs(name: string): TaskInfo[];
  /** Keys are `<connector>-<task>`, as Connect's deprecated tasks-config endpoint. */
  tasksConfig(name: string): Record<string, Record<string, string>>;
  activeTopics(name: string): string[];
  resetActiveTopics(name: string): Promise<void>;

  /** Creates (POST, `allowReplace` false) or creates-or-updates (PUT). Values of `config` must be strings. */
  putConnectorConfig(
    name: string,
    config: Record<string, string | null>,
    options: { allowReplace: boolean; initialState?: InitialState },
  ): Promise<Created<ConnectorInfo>>;
  /** Keys with a null value are removed; others added or replaced. */
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;

  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;
  /** Connect's plain restart: the connector only (its task configs are regenerated). */
  restartConnector(name: string): Promise<void>;
  /** Marks what will restart as RESTARTING, answers with that, and restarts in the background. */
  restartConnectorAndTasks(name: string, request: RestartRequest): Promise<ConnectorStateInfo>;
  restartTask(name: string, taskId: number): Promise<void>;

  connectorOffsets(name: string): ConnectorOffsets;
  alterConnectorOffsets(name: string, offsets: ReadonlyArray<{ partition: unknown; offset: unknown }>): Promise<Message>;
  resetConnectorOffsets(name: string): Promise<Message>;

  /**
   * Hands an ad-hoc snapshot command to the connector's running task(s). Resolves when a task accepted it (it
   * then runs in the task; progress shows in the status). NotFoundError: no such connector; ConflictError: not
   * running (paused, stopped, task not RUNNING) or the plugin takes no commands; BadRequestError: refused, with
   * the task's reason.
   */
  snapshotCommand(name: string, command: SnapshotCommand): Promise<void>;

  plugins(connectorsOnly: boolean): PluginDescription[];
  pluginConfig(pluginName: string): ConfigInfo['definition'][];
  validateConnectorConfig(config: Record<string, string | null>): Promise<ConfigInfos>;

  /** Distributed mode: what the group membership drives. */
  readonly assigned: AssignedWork;
}

/** What the herder hands the runtime to run one task. */
export interface TaskLaunch {
  connector: string;
  taskId: number;
  plugin: ConnectorPlugin;
  /** The task config from `ConnectorPlugin.taskConfigs`, config providers resolved. */
  taskConfig: Readonly<Record<string, string>>;
  /** The connector config, config providers resolved (converters and topic creation come from it). */
  connectorConfig: Readonly<Record<string, string>>;
  settings: Readonly<Record<string, ConfigValue>>;
  /** Carries `connector` and `task` bindings. */
  logger: Logger;
  /** Secret values of the config, to scrub from errors before they are logged or shown. */
  secrets: readonly string[];
}

export interface TaskOutcome {
  outcome: 'stopped' | 'finished' | 'failed';
  error?: unknown;
}

export interface TaskHandle {
  done: Promise<TaskOutcome>;
  stop(): Promise<void>;
  progress(): TaskProgress | undefined;
  /** Ad-hoc snapshot commands (null = accepted, else the reason); absent when the task takes none. */
  signal?(command: SnapshotCommand): string | null;
}

export type TaskLauncher = (launch: TaskLaunch) => TaskHandle;

export type { TargetState };
