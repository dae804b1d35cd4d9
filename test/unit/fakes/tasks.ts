/**
 * A connector plugin and a task launcher for herder tests. The launcher runs nothing: each launch becomes a
 * `LaunchedTask` the test controls (fail, finish, progress, answers to snapshot commands) and inspects
 * (the config it was given, whether it was stopped).
 */
import type { ConfigDef, ConnectorPlugin, SnapshotCommand, SourceOffset, SourcePartition, TaskProgress } from '../../../src/connect-api/index.js';
import type { TaskHandle, TaskLaunch, TaskLauncher, TaskOutcome } from '../../../src/herder/index.js';

export const FAKE_CLASS = 'test.FakeSourceConnector';

const configDef: ConfigDef = {
  keys: [
    { name: 'fake.topic', type: 'STRING', importance: 'HIGH', group: 'Fake', orderInGroup: 1, documentation: 'Where to write.',
      validate: (v) => (typeof v === 'string' && !/^[a-z.]+$/.test(v) ? 'Not a valid topic name' : undefined) },
    { name: 'fake.password', type: 'PASSWORD', default: null, importance: 'HIGH', group: 'Fake', orderInGroup: 2, documentation: 'A secret.' },
  ],
};

export interface FakePlugin extends ConnectorPlugin {
  /** Connector names `onDelete` was called for. */
  readonly deleted: string[];
  /** What `validateOffsets` answers (problems); empty = accepted. */
  offsetProblems: string[];
}

/** Task configs: one per `tasks.max`, the connector config plus `task.id`. */
export function fakePlugin(): FakePlugin {
  const deleted: string[] = [];
  const plugin: FakePlugin = {
    className: FAKE_CLASS,
    aliases: ['FakeSource'],
    type: 'source',
    version: '1.0.0',
    configDef,
    taskConfigs: (config, maxTasks) => Array.from({ length: maxTasks }, (_, i) => ({ ...config, 'task.id': String(i) })),
    createTask() {
      throw new Error('the fake launcher runs no SourceTask');
    },
    deleted,
    offsetProblems: [],
    async validateOffsets(_settings, _offsets: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>) {
      return plugin.offsetProblems;
    },
    async onDelete(settings) {
      deleted.push(String(settings.name));
    },
  };
  return plugin;
}

export interface LaunchedTask {
  readonly launch: TaskLaunch;
  readonly handle: TaskHandle;
  /** stop() was called (the herder stopped it on purpose). */
  stopped: boolean;
  /** It ended by itself (fail/finish). */
  ended: boolean;
  progress: TaskProgress | undefined;
  /** What `signal` answers: null = accepted, else the reason it is refused. */
  signalAnswer: string | null;
  readonly signals: SnapshotCommand[];
  /** The task ends by itself with an error, as the runner reports it. */
  fail(error: unknown): void;
  /** The task ends by itself, its work done. */
  finish(): void;
}

export interface FakeLauncher {
  launchTask: TaskLauncher;
  /** Every launch, in order. */
  launched: LaunchedTask[];
  /** Launches of a connector's task still running (neither stopped nor ended). */
  live(connector: string): LaunchedTask[];
  /** The latest launch of a task. */
  last(connector: string, taskId: number): LaunchedTask | undefined;
  /** The next launch throws `err` (as a launcher that cannot create the task's producer would). */
  failNextLaunch(err: unknown): void;
  /** stop() of every task takes until `release` is called. */
  slowStops(): { release: () => void };
}

export function fakeLauncher(): FakeLauncher {
  const launched: LaunchedTask[] = [];
  let launchFailure: { err: unknown } | null = null;
  let stopGate: Promise<void> | null = null;
  const launchTask: TaskLauncher = (launch) => {
    if (launchFailure) {
      const { err } = launchFailure;
      launchFailure = null;
      throw err;
    }
    let settle!: (outcome: TaskOutcome) => void;
    const done = new Promise<TaskOutcome>((r) => { settle = r; });
    const signals: SnapshotCommand[] = [];
    const task: LaunchedTask = {
      launch,
      stopped: false,
      ended: false,
      progress: undefined,
      signalAnswer: null,
      signals,
      handle: {
        done,
        async stop() {
          task.stopped = true;
          if (stopGate) await stopGate;
          settle({ outcome: 'stopped' });
          await done;
        },
        progress: () => task.progress,
        signal(command) {
          signals.push(command);
          return task.signalAnswer;
        },
      },
      fail(error) {
        task.ended = true;
        settle({ outcome: 'failed', error });
      },
      finish() {
        task.ended = true;
        settle({ outcome: 'finished' });
      },
    };
    launched.push(task);
    return task.handle;
  };
  return {
    launchTask,
    launched,
    live: (connector) => launched.filter((t) => t.launch.connector === connector && !t.stopped && !t.ended),
    last: (connector, taskId) => launched.filter((t) => t.launch.connector === connector && t.launch.taskId === taskId).at(-1),
    failNextLaunch(err) {
      launchFailure = { err };
    },
    slowStops() {
      let release!: () => void;
      stopGate = new Promise<void>((r) => { release = r; });
      return { release: () => { stopGate = null; release(); } };
    },
  };
}
