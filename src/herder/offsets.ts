/**
 * Connect's offsets API (KIP-875) for source connectors: read the committed offsets, and — only while the
 * connector is STOPPED, so no task writes offsets at the same time — reset them (tombstones) or alter them.
 */
import { redactSecretsInText, type SourceOffset, type SourcePartition } from '../connect-api/index.js';
import type { ConfigStore, OffsetEntry, OffsetStore } from '../storage/types.js';
import { BadRequestError } from './errors.js';
import type { PreparedConnector } from './lifecycle.js';
import type { ConnectorOffsets, Message } from './types.js';

export const OFFSETS_RESET_MESSAGE =
  'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.';
export const OFFSETS_ALTERED_MESSAGE =
  'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.';

export function readOffsets(offsetStore: OffsetStore, name: string): ConnectorOffsets {
  return { offsets: offsetStore.offsets(name).map(({ partition, offset }) => ({ partition, offset })) };
}

/** Connect's check before an offsets change: target state STOPPED and no task configs left. */
export function requireStopped(configStore: ConfigStore, name: string): void {
  if (configStore.targetState(name) !== 'STOPPED' || (configStore.taskConfigs(name)?.length ?? 0) !== 0) {
    throw new BadRequestError(
      `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      `PUT /connectors/${name}/stop, wait for the status STOPPED, then repeat the request.`,
    );
  }
}

export async function resetOffsets(offsetStore: OffsetStore, name: string): Promise<Message> {
  const tombstones: OffsetEntry[] = offsetStore.offsets(name).map(({ partition }) => ({ partition, offset: null }));
  if (tombstones.length > 0) await offsetStore.write(name, tombstones);
  return { message: OFFSETS_RESET_MESSAGE };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PRIMITIVE = new Set(['string', 'number', 'boolean']);

/** Checks the body's `{partition, offset}` pairs; an offset of null removes that partition's offset. */
export function parseOffsetEntries(entries: ReadonlyArray<{ partition: unknown; offset: unknown }>): OffsetEntry[] {
  if (entries.length === 0) throw new BadRequestError('Partitions / offsets need to be provided for an alter offsets request');
  return entries.map(({ partition, offset }, i) => {
    if (!isPlainObject(partition) || Object.keys(partition).length === 0) {
      throw new BadRequestError(`Source partitions may not be null or empty (offsets[${i}].partition)`, 'Give each entry a "partition" object, as GET /connectors/{name}/offsets shows it.');
    }
    for (const [key, value] of Object.entries(partition)) {
      if (value !== null && !PRIMITIVE.has(typeof value)) {
        throw new BadRequestError(`Source partition values must be strings, numbers, booleans or null; offsets[${i}].partition.${key} is not`);
      }
    }
    if (offset !== null && !isPlainObject(offset)) {
      throw new BadRequestError(`Source offsets must be JSON objects or null; offsets[${i}].offset is not`);
    }
    return { partition: partition as SourcePartition, offset: offset as SourceOffset | null };
  });
}

export async function alterOffsets(offsetStore: OffsetStore, name: string, entries: OffsetEntry[]): Promise<Message> {
  await offsetStore.write(name, entries);
  return { message: OFFSETS_ALTERED_MESSAGE };
}

/**
 * Asks the plugin (when it can tell) whether the source still has the positions being set; refuses the whole
 * request otherwise, so a connector is never moved to a position it cannot resume from.
 */
export async function checkOffsetsAtSource(prepared: PreparedConnector, entries: readonly OffsetEntry[]): Promise<void> {
  const check = prepared.plugin.validateOffsets;
  if (!check || entries.every((e) => e.offset === null)) return;
  const problems = await check.call(prepared.plugin, prepared.settings, entries);
  if (problems.length === 0) return;
  throw new BadRequestError(
    redactSecretsInText(`The offsets cannot be used: ${problems.join('; ')}`, prepared.secrets),
    'Give a position the source server still has (GET /connectors/{name}/offsets shows the current one), or DELETE the offsets to start over with a new snapshot.',
  );
}
