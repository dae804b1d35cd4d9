/**
 * Avro's binary encoding (spec: "Binary Encoding"): ints and longs as zigzag varints, floats/doubles
 * little-endian, bytes and strings length-prefixed, arrays and maps as one block then a zero count. One
 * growable buffer per converter, reused for every record.
 */
import { invalidValue } from './errors.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
// Up to here a zigzagged long is exact as a double (2|v| + 1 < 2^53).
const FLOAT_SAFE = 2 ** 51;

export class AvroOut {
  buf: Buffer;
  pos = 0;

  constructor(size = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A 32-bit int (the caller checked the range). */
  int(n: number): void {
    this.reserve(5);
    let z = ((n << 1) ^ (n >> 31)) >>> 0;
    const b = this.buf;
    while (z > 0x7f) {
      b[this.pos++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    b[this.pos++] = z;
  }

  long(v: number | bigint): void {
    if (typeof v === 'number') {
      if (v >= -0x80000000 && v <= 0x7fffffff) return this.int(v);
      if (v > -FLOAT_SAFE && v < FLOAT_SAFE) {
        this.reserve(10);
        let z = v >= 0 ? v * 2 : -v * 2 - 1;
        const b = this.buf;
        while (z >= 128) {
          b[this.pos++] = (z % 128) | 0x80;
          z = Math.floor(z / 128);
        }
        b[this.pos++] = z;
        return;
      }
      v = BigInt(v);
    }
    if (v < INT64_MIN || v > INT64_MAX) throw invalidValue('int64', 'within 64 bits');
    this.reserve(10);
    let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    const b = this.buf;
    while (z >= 128n) {
      b[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    b[this.pos++] = Number(z);
  }

  float(n: number): void {
    this.reserve(4);
    this.pos = this.buf.writeFloatLE(n, this.pos);
  }

  double(n: number): void {
    this.reserve(8);
    this.pos = this.buf.writeDoubleLE(n, this.pos);
  }

  boolean(b: boolean): void {
    this.reserve(1);
    this.buf[this.pos++] = b ? 1 : 0;
  }

  bytes(v: Uint8Array): void {
    this.long(v.length);
    this.raw(v);
  }

  string(s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.long(len);
    this.reserve(len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }

  raw(v: Uint8Array): void {
    this.reserve(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
}
