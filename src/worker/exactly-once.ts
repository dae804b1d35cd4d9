/**
 * Exactly-once source delivery (KIP-618) as one task runs it: the worker's `exactly.once.source.support` and the
 * connector's `exactly.once.support`, `transaction.boundary` and `transaction.boundary.interval.ms`, checked once
 * into a typed setting. Connect's transactional id for a task is `<group.id>-<connector>-<task>`.
 */
import { ConfigError, configErrorsByKey } from '../errors/index.js';
import type { WorkerConfig } from './config.js';

export type TransactionBoundary = { kind: 'poll' } | { kind: 'interval'; intervalMs: number };

export type ExactlyOnce = { enabled: false } | { enabled: true; boundary: TransactionBoundary };

export function transactionalId(groupId: string, connector: string, taskId: number): string {
  return `${groupId}-${connector}-${taskId}`;
}

/** Throws ConfigError naming the key for a setting this worker cannot honour. */
export function exactlyOnceSettings(worker: Pick<WorkerConfig, 'exactlyOnceSource' | 'offsetFlushIntervalMs'>, connector: Readonly<Record<string, string>>): ExactlyOnce {
  const support = connector['exactly.once.support']?.trim() ?? 'requested';
  const boundary = connector['transaction.boundary']?.trim() ?? 'poll';
  const intervalText = connector['transaction.boundary.interval.ms']?.trim();
  if (!worker.exactlyOnceSource) {
    const off = 'this worker delivers at least once (exactly.once.source.support is not enabled), so it writes no transactions';
    const fix = 'Set exactly.once.source.support=enabled on every worker of the group, or remove the setting.';
    if (support === 'required') throw new ConfigError(`exactly.once.support is required, but ${off}.`, 'exactly.once.support', { fix });
    if (boundary !== 'poll') throw new ConfigError(`transaction.boundary=${boundary} cannot be honoured: ${off}.`, 'transaction.boundary', { fix });
    if (intervalText !== undefined) throw new ConfigError(`transaction.boundary.interval.ms cannot be honoured: ${off}.`, 'transaction.boundary.interval.ms', { fix });
    return { enabled: false };
  }
  if (boundary === 'connector') {
    throw new ConfigError('transaction.boundary=connector needs a connector that defines its own transaction boundaries; these connectors do not (as Debezium\'s).', 'transaction.boundary',
      { fix: 'Use transaction.boundary=poll (a transaction per batch) or interval.' });
  }
  if (intervalText !== undefined && boundary !== 'interval') {
    throw new ConfigError(`transaction.boundary.interval.ms is set, but transaction.boundary is ${boundary}; it only applies to interval.`, 'transaction.boundary.interval.ms',
      { fix: 'Set transaction.boundary=interval, or remove transaction.boundary.interval.ms.' });
  }
  if (boundary === 'interval') {
    const intervalMs = intervalText === undefined ? worker.offsetFlushIntervalMs : Number(intervalText);
    if (!Number.isInteger(intervalMs) || intervalMs < 0) {
      throw new ConfigError(`transaction.boundary.interval.ms is "${intervalText}", which is not a whole number of milliseconds of at least 0.`, 'transaction.boundary.interval.ms',
        { fix: 'Use a whole number of milliseconds, e.g. 1000.' });
    }
    return { enabled: true, boundary: { kind: 'interval', intervalMs } };
  }
  return { enabled: true, boundary: { kind: 'poll' } };
}

/** `exactlyOnceSettings` for `validate`: the problem, by the key it is about. */
export function checkExactlyOnce(worker: Pick<WorkerConfig, 'exactlyOnceSource' | 'offsetFlushIntervalMs'>, connector: Readonly<Record<string, string>>): Record<string, string[]> {
  return configErrorsByKey(() => exactlyOnceSettings(worker, connector), 'exactly.once.support');
}
