/** Snapshot counters for status and logs: rows, tables, rate and ETA. */
import type { SnapshotStats, TableInfo } from './types.js';

export interface StatsTracker {
  tableStarted(table: TableInfo): void;
  tableFinished(table: TableInfo): void;
  rowsDelivered(rows: number): void;
  current(): SnapshotStats;
}

/** `rowsDoneBefore`/`tablesDoneBefore` come from a resumed snapshot's progress; the rate counts this run only. */
export function createStatsTracker(
  tables: readonly TableInfo[],
  tablesDoneBefore: number,
  rowsDoneBefore: number,
  now: () => number = () => Date.now(),
): StatsTracker {
  const startedAt = now();
  const estimated = tables.reduce((sum, t) => sum + t.estimatedRows, 0);
  const inProgress = new Set<string>();
  let tablesDone = tablesDoneBefore;
  let rowsThisRun = 0;
  return {
    tableStarted: (t) => void inProgress.add(t.name),
    tableFinished(t) {
      inProgress.delete(t.name);
      tablesDone++;
    },
    rowsDelivered: (rows) => void (rowsThisRun += rows),
    current() {
      const rowsDone = rowsDoneBefore + rowsThisRun;
      const seconds = (now() - startedAt) / 1000;
      const rate = seconds > 0 ? rowsThisRun / seconds : 0;
      const rowsEstimated = Math.max(estimated, rowsDone);
      const remaining = rowsEstimated - rowsDone;
      return {
        tablesTotal: tables.length,
        tablesDone,
        rowsDone,
        rowsEstimated,
        rowsPerSecond: Math.round(rate),
        etaSeconds: tablesDone === tables.length ? 0 : rate > 0 ? Math.ceil(remaining / rate) : null,
        tablesInProgress: [...inProgress],
      };
    },
  };
}
