import type { ConnectSchema } from './connect-schema.js';

/**
 * Bytes made of a shared head, a UTF-8 text and a shared tail, written out only when a produce request is
 * encoded. A JSON converter with schemas repeats the same ~3 KB schema in every record: as one Buffer per
 * record that is most of the memory of the queue to Kafka (and garbage ArrayBuffers the GC frees late); this
 * way a queued record holds its payload text and two references.
 */
export class SplicedBytes {
  /** Byte length of the whole, as `Buffer#length`. */
  readonly length: number;
  constructor(
    readonly head: Buffer,
    readonly text: string,
    /** `Buffer.byteLength(text, 'utf8')`, computed once by whoever made the text. */
    readonly textBytes: number,
    readonly tail: Buffer,
  ) {
    this.length = head.length + textBytes + tail.length;
  }

  /** Writes the bytes at `offset` of `out` (which has room); returns the offset after them. */
  writeTo(out: Buffer, offset: number): number {
    let o = offset + this.head.copy(out, offset);
    o += out.write(this.text, o, this.textBytes, 'utf8');
    return o + this.tail.copy(out, o);
  }

  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.writeTo(out, 0);
    return out;
  }

  toString(encoding: BufferEncoding = 'utf8'): string {
    return this.toBuffer().toString(encoding);
  }
}

/** What a converter returns for a non-null value. */
export type ConvertedBytes = Buffer | SplicedBytes;

/** As a Buffer (copies spliced bytes). */
export function asBuffer(bytes: ConvertedBytes): Buffer;
export function asBuffer(bytes: ConvertedBytes | null): Buffer | null;
export function asBuffer(bytes: ConvertedBytes | null): Buffer | null {
  return bytes === null || Buffer.isBuffer(bytes) ? bytes : bytes.toBuffer();
}

/**
 * Kafka Connect's Converter, record side only: turns a schema + value into the bytes written to Kafka.
 * `null` value → `null` bytes (a tombstone stays a tombstone).
 */
export interface Converter {
  fromConnectData(topic: string, schema: ConnectSchema | null, value: unknown): ConvertedBytes | null;
  /**
   * Optional. Converters that need I/O per schema (Avro: registering it) do it here; `fromConnectData` is then
   * synchronous. Returns null when nothing is pending, so callers await only for a schema seen the first time.
   */
  prepare?(topic: string, schema: ConnectSchema | null): Promise<void> | null;
}
