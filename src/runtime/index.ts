export { startSourceTask, TaskStoppedError, RecordConversionError } from './source-task-runner.js';
export type { SourceTaskRunnerOptions, RunningTask, TaskOutcome, TaskStats } from './source-task-runner.js';
export { createRecordQueue, recordSize } from './record-queue.js';
export type { RecordQueue, QueuedRecord } from './record-queue.js';
export { createOffsetCommitter } from './offset-committer.js';
export type { OffsetCommitter, OffsetCommitterOptions } from './offset-committer.js';
export { DEFAULT_BACKOFF } from './backoff.js';
export type { Backoff } from './backoff.js';
