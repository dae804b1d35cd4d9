/**
 * The tasks running on this worker. Knows which handle is current for a task, so the end of a task that was
 * stopped on purpose (pause, restart, delete) is told apart from one that ended by itself (failed, finished).
 */
import type { SnapshotCommand, TaskProgress } from '../connect-api/index.js';
import type { TaskHandle, TaskOutcome } from './types.js';

export interface RunningTasks {
  /** Registers a started task; `onExit` runs when it ends without having been stopped through this object. */
  add(connector: string, taskId: number, handle: TaskHandle, onExit: (outcome: TaskOutcome) => void): void;
  /**
   * Stops the connector's tasks (or just one), waiting until they have flushed and committed. Resolves with
   * the errors of tasks that failed to stop cleanly (they are stopped regardless).
   */
  stop(connector: string, taskId?: number): Promise<unknown[]>;
  stopAll(): Promise<unknown[]>;
  isRunning(connector: string, taskId: number): boolean;
  progress(connector: string, taskId: number): TaskProgress | undefined;
  /** Hands the command to each running task of the connector; one answer per task (none when none runs). */
  signal(connector: string, command: SnapshotCommand): SignalAnswer[];
}

export interface SignalAnswer {
  taskId: number;
  /** `unsupported`: the task takes no ad-hoc snapshot commands. */
  outcome: 'accepted' | 'refused' | 'unsupported';
  reason?: string;
}

export function createRunningTasks(): RunningTasks {
  const byConnector = new Map<string, Map<number, TaskHandle>>();
  // The last progress of tasks that ended by themselves (finished or failed), still shown in the status.
  const lastProgress = new Map<string, TaskProgress>();
  const progressKey = (connector: string, taskId: number) => `${taskId}\u0000${connector}`;

  function forget(connector: string, taskId: number, handle: TaskHandle): boolean {
    const tasks = byConnector.get(connector);
    if (tasks?.get(taskId) !== handle) return false;
    tasks.delete(taskId);
    if (tasks.size === 0) byConnector.delete(connector);
    return true;
  }

  return {
    add(connector, taskId, handle, onExit) {
      let tasks = byConnector.get(connector);
      if (!tasks) byConnector.set(connector, (tasks = new Map()));
      tasks.set(taskId, handle);
      lastProgress.delete(progressKey(connector, taskId));
      const exited = (outcome: TaskOutcome) => {
        if (!forget(connector, taskId, handle)) return;
        const progress = handle.progress();
        if (progress) lastProgress.set(progressKey(connector, taskId), progress);
        onExit(outcome);
      };
      handle.done.then(exited, (error: unknown) => exited({ outcome: 'failed', error }));
    },
    async stop(connector, taskId) {
      if (taskId === undefined) {
        for (const key of [...lastProgress.keys()]) if (key.endsWith(`\u0000${connector}`)) lastProgress.delete(key);
      } else lastProgress.delete(progressKey(connector, taskId));
      const tasks = byConnector.get(connector);
      if (!tasks) return [];
      const ids = taskId === undefined ? [...tasks.keys()] : [taskId];
      const stopping: Promise<void>[] = [];
      for (const id of ids) {
        const handle = tasks.get(id);
        if (!handle) continue;
        forget(connector, id, handle);
        stopping.push(handle.stop());
      }
      return errorsOf(await Promise.allSettled(stopping));
    },
    async stopAll() {
      const all = await Promise.all([...byConnector.keys()].map((c) => this.stop(c)));
      return all.flat();
    },
    isRunning: (connector, taskId) => byConnector.get(connector)?.has(taskId) ?? false,
    progress: (connector, taskId) => byConnector.get(connector)?.get(taskId)?.progress() ?? lastProgress.get(progressKey(connector, taskId)),
    signal(connector, command) {
      const answers: SignalAnswer[] = [];
      for (const [taskId, handle] of [...(byConnector.get(connector) ?? [])].sort(([a], [b]) => a - b)) {
        if (!handle.signal) {
          answers.push({ taskId, outcome: 'unsupported' });
          continue;
        }
        const reason = handle.signal(command);
        answers.push(reason === null ? { taskId, outcome: 'accepted' } : { taskId, outcome: 'refused', reason });
      }
      return answers;
    },
  };
}

function errorsOf(results: PromiseSettledResult<void>[]): unknown[] {
  const errors: unknown[] = [];
  for (const r of results) if (r.status === 'rejected') errors.push(r.reason);
  return errors;
}
