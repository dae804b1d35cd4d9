/**
 * Source offsets in one local file, for standalone mode (`offset.storage.file.filename`). Connect's own file is a
 * Java-serialised map, which nothing outside a JVM should write; this one is JSON with the offsets topic's shapes:
 *
 *   {"format":"tscdc-offsets","version":1,"offsets":[
 *   {"key":["<connector>",{<source partition>}],"value":{<source offset>}},
 *   ...]}
 *
 * Every write replaces the whole file atomically (temporary file, fsync, rename over the old one, fsync of the
 * directory), so after a crash the file holds either the previous or the new offsets, never a mix. A file that does
 * not parse is refused at start: silently starting over would re-snapshot or, worse, skip changes.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { SourceOffset, SourcePartition } from '../connect-api/index.js';
import { CdcError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { parseJson, writeJson } from './connect-json.js';
import { partitionIdentity } from './offset-records.js';
import type { OffsetEntry, OffsetStore } from './types.js';

export const OFFSET_FILE_FORMAT = 'tscdc-offsets';
export const OFFSET_FILE_VERSION = 1;

export interface FileOffsetStore extends OffsetStore {
  readonly file: string;
  /** Reads the file (none yet: no offsets). Throws OFFSET_FILE_CORRUPT for a file that is not ours or is damaged. */
  start(): Promise<void>;
  /** Waits for the write under way, if any. */
  stop(): Promise<void>;
}

interface Entry {
  connector: string;
  partition: SourcePartition;
  offset: SourceOffset;
}

const TMP_MARK = '.tmp-';

function corrupt(file: string, why: string, cause?: unknown): CdcError {
  return new CdcError('OFFSET_FILE_CORRUPT', `The offsets file ${file} cannot be read: ${why}. The worker does not start rather than lose the connectors' positions.`, {
    cause,
    fix: `Restore ${file} from a backup (or a copy of GET /connectors/{name}/offsets), or, to start the connectors over from their snapshot.mode, move the file away.`,
  });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The file's entries; throws for anything but a complete file in our format. */
export function parseOffsetFile(file: string, text: string): Entry[] {
  if (text.trim() === '') throw corrupt(file, 'it is empty (written by something else, or truncated)');
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (err) {
    throw corrupt(file, `it is not complete JSON (${err instanceof Error ? err.message : String(err)})`, err);
  }
  if (!isPlainObject(doc) || doc.format !== OFFSET_FILE_FORMAT) {
    throw corrupt(file, `it is not a tscdc offsets file (no "format":"${OFFSET_FILE_FORMAT}"; a Kafka Connect standalone offsets file is Java-serialised and cannot be read)`);
  }
  if (doc.version !== OFFSET_FILE_VERSION) throw corrupt(file, `its version ${JSON.stringify(doc.version)} is not ${OFFSET_FILE_VERSION}`);
  if (!Array.isArray(doc.offsets)) throw corrupt(file, '"offsets" is not a list');
  return doc.offsets.map((item, i) => {
    const key = isPlainObject(item) ? item.key : undefined;
    const value = isPlainObject(item) ? item.value : undefined;
    if (!Array.isArray(key) || key.length !== 2 || typeof key[0] !== 'string' || !isPlainObject(key[1]) || !isPlainObject(value)) {
      throw corrupt(file, `offsets[${i}] is not {"key":["<connector>",{partition}],"value":{offset}}`);
    }
    return { connector: key[0], partition: key[1] as SourcePartition, offset: value as SourceOffset };
  });
}

export function formatOffsetFile(entries: Iterable<Entry>): string {
  const lines = [...entries].map((e) => writeJson({ key: [e.connector, e.partition], value: e.offset }));
  return `{"format":"${OFFSET_FILE_FORMAT}","version":${OFFSET_FILE_VERSION},"offsets":[\n${lines.join(',\n')}${lines.length ? '\n' : ''}]}\n`;
}

/** Replaces `file` with `text` so that a crash at any point leaves the old or the new content. */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  const tmp = join(dir, `${basename(file)}${TMP_MARK}${randomUUID()}`);
  try {
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  // The rename is durable only once the directory entry is.
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

export function createFileOffsetStore(options: { file: string; logger: Logger }): FileOffsetStore {
  const file = resolve(options.file);
  const logger = options.logger;
  // identity (key-order independent) → entry; the file holds exactly this after each write.
  let entries = new Map<string, Entry>();
  // Writes are serial: each one persists the state its predecessors left plus its own entries.
  let tail: Promise<void> = Promise.resolve();

  async function removeLeftovers(): Promise<void> {
    const prefix = `${basename(file)}${TMP_MARK}`;
    for (const name of await readdir(dirname(file)).catch(() => [] as string[])) {
      if (!name.startsWith(prefix)) continue;
      // A write that crashed before its rename: the offsets file itself is whole.
      await rm(join(dirname(file), name), { force: true });
      logger.info({ file: join(dirname(file), name) }, 'removed an offsets file a crashed write left unfinished');
    }
  }

  return {
    file,
    async start() {
      await mkdir(dirname(file), { recursive: true }).catch(() => undefined);
      try {
        await access(dirname(file), constants.W_OK);
      } catch (err) {
        throw new CdcError('CONFIG_INVALID', `offset.storage.file.filename: cannot write in the directory of ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
          cause: err,
          fix: 'Point offset.storage.file.filename at a file in a directory the worker can write.',
        });
      }
      await removeLeftovers();
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          logger.info({ file }, 'no offsets file yet: connectors start without stored positions');
          return;
        }
        throw corrupt(file, (err as NodeJS.ErrnoException).code ?? String(err), err);
      }
      const loaded = new Map<string, Entry>();
      for (const e of parseOffsetFile(file, text)) loaded.set(partitionIdentity(e.connector, e.partition), e);
      entries = loaded;
      logger.info({ file, partitions: entries.size }, 'offsets file read');
    },
    async stop() {
      await tail.catch(() => undefined);
    },
    offsets(connector) {
      return [...entries.values()].filter((e) => e.connector === connector).map((e) => ({ partition: e.partition, offset: e.offset }));
    },
    offset(connector, partition) {
      return entries.get(partitionIdentity(connector, partition))?.offset ?? null;
    },
    write(connector, written: readonly OffsetEntry[]) {
      if (written.length === 0) return Promise.resolve();
      const run = tail.catch(() => undefined).then(async () => {
        const next = new Map(entries);
        for (const e of written) {
          const identity = partitionIdentity(connector, e.partition);
          if (e.offset === null) next.delete(identity);
          else next.set(identity, { connector, partition: e.partition, offset: e.offset });
        }
        await writeFileAtomically(file, formatOffsetFile(next.values()));
        // Visible once durable, as the topic-backed store's offsets are once Kafka acknowledged them.
        entries = next;
      });
      tail = run;
      return run;
    },
  };
}
