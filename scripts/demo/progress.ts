/**
 * The snapshot's progress on the terminal: one bar per connector, redrawn in place on a TTY; elsewhere (a
 * pipe, CI, the test) one plain line per second. Figures come from the task's `progress` in
 * `GET /connectors/{name}/status` (rows read, estimated rows, tables); when a connector reports none, the rows
 * already in Kafka against the known sample row count stand in.
 */
import type { ConnectorStatus } from './connectors.js';

export interface SnapshotView {
  label: string;
  /** 0..1 */
  fraction: number;
  done: boolean;
  failed: boolean;
  detail: string;
}

const n = (v: number) => v.toLocaleString('en-US');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** What to show for one connector: `kafkaRows` snapshot records already in Kafka of `expectedRows` in the tables. */
export function snapshotView(label: string, status: ConnectorStatus | undefined, kafkaRows: number, expectedRows: number): SnapshotView {
  const task = status?.tasks[0];
  const failed = status?.connector.state === 'FAILED' || task?.state === 'FAILED';
  const done = kafkaRows >= expectedRows;
  const inKafka = `${n(Math.min(kafkaRows, expectedRows))} in Kafka`;
  if (failed) return { label, fraction: 0, done: false, failed, detail: 'FAILED' };
  if (done) return { label, fraction: 1, done, failed, detail: `done: ${n(expectedRows)} rows in Kafka` };
  if (!status || !task) return { label, fraction: 0, done, failed, detail: status ? `${status.connector.state}, waiting for its task` : 'registering' };
  const p = task.progress;
  const rowsDone = num(p?.rowsDone);
  const rowsEstimated = num(p?.rowsEstimated);
  if (p?.phase === 'snapshot' && rowsDone !== undefined && rowsEstimated !== undefined && rowsEstimated > 0) {
    const parts = [`${n(rowsDone)} / ~${n(rowsEstimated)} rows read`, inKafka];
    const tablesDone = num(p.tablesDone);
    const tablesTotal = num(p.tablesTotal);
    if (tablesDone !== undefined && tablesTotal !== undefined) parts.push(`${tablesDone}/${tablesTotal} tables`);
    const rate = num(p.rowsPerSecond);
    if (rate !== undefined && rate > 0) parts.push(`${n(Math.round(rate))} rows/s`);
    // Estimates come from table statistics and can be off: never claim 100% before the rows are in Kafka.
    // Rows read are reported per chunk; rows in Kafka move smoothly in between, so the bar follows the larger.
    return { label, fraction: Math.min(Math.max(rowsDone, kafkaRows) / rowsEstimated, 0.99), done, failed, detail: parts.join(' · ') };
  }
  const phase = p?.phase ? `${p.phase}, ` : `${task.state.toLowerCase()}, `;
  return { label, fraction: Math.min(kafkaRows / expectedRows, 0.99), done, failed, detail: `${phase}${inKafka} of ${n(expectedRows)}` };
}

export function bar(fraction: number, width = 24): string {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
}

export function viewLine(v: SnapshotView, labelWidth: number): string {
  return `${v.label.padEnd(labelWidth)}  ${bar(v.fraction)} ${`${Math.floor(v.fraction * 100)}%`.padStart(4)}  ${v.detail}`;
}

/** One line for logs: every connector's percentage and detail. */
export function plainLine(views: readonly SnapshotView[]): string {
  return `snapshot  ${views.map((v) => `${v.label}: ${Math.floor(v.fraction * 100)}% (${v.detail})`).join('  |  ')}`;
}

export interface ProgressDisplay {
  update(views: readonly SnapshotView[]): void;
  /** Draws the final state (a TTY keeps the bars; a pipe gets one last line). */
  finish(views: readonly SnapshotView[]): void;
}

export function createProgressDisplay(out: NodeJS.WriteStream, now: () => number = Date.now): ProgressDisplay {
  let drawn = 0;
  let lastPlain = 0;
  const width = () => Math.max(40, (out.columns ?? 120) - 1);
  const draw = (views: readonly SnapshotView[]) => {
    const labelWidth = Math.max(...views.map((v) => v.label.length));
    let text = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const v of views) text += `\r\x1b[2K${viewLine(v, labelWidth).slice(0, width())}\n`;
    out.write(text);
    drawn = views.length;
  };
  return {
    update(views) {
      if (out.isTTY) return draw(views);
      if (now() - lastPlain < 1000) return;
      lastPlain = now();
      out.write(`${plainLine(views)}\n`);
    },
    finish(views) {
      if (out.isTTY) draw(views);
      else out.write(`${plainLine(views)}\n`);
    },
  };
}
