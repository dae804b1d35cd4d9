/**
 * Ad-hoc (incremental) snapshot commands, as they arrive from any signal channel: the signal table, the Kafka
 * signal topic, or `POST /connectors/{name}/snapshots`. `snapshot/signals.ts` parses Debezium's JSON into them.
 */
export type SnapshotCommand =
  | { kind: 'execute'; id: string; dataCollections: string[]; conditions: Record<string, string>; surrogateKey: string | null }
  | { kind: 'stop'; id: string; dataCollections: string[] | null }
  | { kind: 'pause'; id: string }
  | { kind: 'resume'; id: string };

/**
 * Implemented by a source task that can take ad-hoc snapshots. The runtime calls it for commands from the
 * Kafka signal topic and the REST API; the signal table is read by the task itself from its change stream.
 * Returns null when the command is accepted (it runs asynchronously; progress shows in the task's status),
 * otherwise the reason it is refused (unknown table, no signal table configured, nothing to stop, …).
 */
export interface SnapshotSignalTarget {
  signal(command: SnapshotCommand): string | null;
}
