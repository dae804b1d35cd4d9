/**
 * What a task does when it starts, from `snapshot.mode` and the stored offset — Debezium's snapshotter
 * decision, one table for every connector. Position loss (`when_needed` re-snapshots) is decided where the
 * loss is found; everything else is here.
 */

/** The snapshot modes every connector serves; `schema_only` and `never` are Debezium's older names of `no_data`. */
export const SNAPSHOT_MODES = ['initial', 'initial_only', 'no_data', 'when_needed', 'always'] as const;
export type SnapshotMode = (typeof SNAPSHOT_MODES)[number];
export const SNAPSHOT_MODE_ALIASES: Readonly<Record<string, SnapshotMode>> = { schema_only: 'no_data', never: 'no_data' };

/** What the stored offset says about the snapshot; null when there is no offset. */
export interface StoredSnapshotState {
  snapshotCompleted: boolean;
}

export interface StartPlan {
  /** `fresh`: read every table from the start; `resume`: continue the interrupted snapshot; `none`: no data snapshot. */
  snapshot: 'fresh' | 'resume' | 'none';
  /** Whether to stream changes afterwards (false: the task is done once the snapshot is). */
  stream: boolean;
  /** Whether to resume streaming from the stored position (else from where the snapshot, or now, starts it). */
  fromOffset: boolean;
}

export function startPlan(mode: SnapshotMode, stored: StoredSnapshotState | null): StartPlan {
  const stream = mode !== 'initial_only';
  if (mode === 'always') return { snapshot: 'fresh', stream, fromOffset: false };
  if (stored === null) return { snapshot: mode === 'no_data' ? 'none' : 'fresh', stream, fromOffset: false };
  if (stored.snapshotCompleted || mode === 'no_data') return { snapshot: 'none', stream, fromOffset: true };
  return { snapshot: 'resume', stream, fromOffset: true };
}
