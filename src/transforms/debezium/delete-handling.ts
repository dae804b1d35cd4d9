/**
 * What ExtractNewRecordState does with delete events and the tombstones that follow them.
 *
 * `delete.tombstone.handling.mode` (Debezium 2.5+) decides when it is set. Debezium 3.0/3.1 fell back to the
 * deprecated `drop.tombstones` + `delete.handling.mode` pair when it was not; 3.2 removed that pair and made
 * `tombstone` the default. We follow 3.2+ for configs that set neither, and still honour the old pair when a
 * config sets one of them without the new key, as 3.0/3.1 did, so an older config keeps its behaviour.
 */
import type { ConfigValue } from '../../connect-api/config-def.js';

export const DELETE_TOMBSTONE_MODES = ['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone', 'delete-to-tombstone'] as const;
export type DeleteTombstoneMode = typeof DELETE_TOMBSTONE_MODES[number];

export const LEGACY_DELETE_MODES = ['drop', 'rewrite', 'none'] as const;

export interface DeleteHandling {
  /**
   * What a delete event becomes: nothing; a record with a null value that keeps the row schema as its value schema
   * (Debezium's `tombstone` mode: sinks such as the JDBC sink read it as a delete); a true tombstone (value and
   * value schema null); or the old row with `__deleted: "true"`.
   */
  deletes: 'drop' | 'null-value' | 'tombstone' | 'rewrite';
  /** Whether the connector's tombstones pass through. */
  keepTombstones: boolean;
}

const MODES: Record<DeleteTombstoneMode, DeleteHandling> = {
  drop: { deletes: 'drop', keepTombstones: false },
  tombstone: { deletes: 'null-value', keepTombstones: false },
  rewrite: { deletes: 'rewrite', keepTombstones: false },
  'rewrite-with-tombstone': { deletes: 'rewrite', keepTombstones: true },
  'delete-to-tombstone': { deletes: 'tombstone', keepTombstones: false },
};

const LEGACY_DELETES: Record<string, DeleteHandling['deletes']> = { drop: 'drop', none: 'null-value', rewrite: 'rewrite' };

const isSet = (props: Readonly<Record<string, string>>, key: string) => (props[key] ?? '').trim() !== '';

export function deleteHandling(settings: Readonly<Record<string, ConfigValue>>, props: Readonly<Record<string, string>>): DeleteHandling {
  const mode = settings['delete.tombstone.handling.mode'] as DeleteTombstoneMode | null;
  const legacy = !isSet(props, 'delete.tombstone.handling.mode') && (isSet(props, 'drop.tombstones') || isSet(props, 'delete.handling.mode'));
  if (!legacy) return MODES[mode ?? 'tombstone'];
  return {
    deletes: LEGACY_DELETES[(settings['delete.handling.mode'] as string | null) ?? 'drop'] ?? 'drop',
    keepTombstones: settings['drop.tombstones'] === false,
  };
}
