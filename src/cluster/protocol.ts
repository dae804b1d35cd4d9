/**
 * Kafka Connect's group protocol payloads (protocol type "connect"), so our workers speak the format Connect's
 * own workers put in JoinGroup metadata and SyncGroup assignments: the incremental cooperative variant
 * (protocol names "compatible" = version 1, "sessioned" = version 2; both encode the same fields here).
 *
 *   metadata   = version:int16, url:string, configOffset:int64, allocation:nullable bytes
 *   allocation = version:int16, [connector:string, [task:int32]]          (task -1 = the connector itself)
 *   assignment = version:int16, error:int16, leader:string, leaderUrl:string, configOffset:int64,
 *                assigned:nullable [connector, [task]], revoked:nullable [connector, [task]], delay:int32
 *
 * Strings are int16-length UTF-8, arrays int32-counted (-1 = null), as Kafka's Struct types.
 */

export const CONNECT_PROTOCOL_TYPE = 'connect';
/** The connector itself in a task list (Connect's CONNECTOR_TASK). */
export const CONNECTOR_TASK = -1;

export type ConnectProtocol = 'compatible' | 'sessioned';
export const PROTOCOL_VERSIONS: Record<ConnectProtocol, number> = { compatible: 1, sessioned: 2 };

/** Connectors with their task ids (the connector itself as CONNECTOR_TASK). */
export type Allocation = Map<string, number[]>;

export interface WorkerMetadata {
  version: number;
  url: string;
  configOffset: number;
  /** What the worker runs now; null for a worker that has none yet. */
  allocation: Allocation | null;
}

export interface WorkerAssignment {
  version: number;
  /** 0 = none; 1 = config mismatch (Connect's CONFIG_MISMATCH). */
  error: number;
  leader: string;
  leaderUrl: string;
  configOffset: number;
  assigned: Allocation;
  revoked: Allocation;
  /** ms until the leader wants the group to rebalance again (lost workers it waits for); 0 = none. */
  delayMs: number;
}

class Writer {
  private readonly parts: Buffer[] = [];
  int16(v: number) { const b = Buffer.alloc(2); b.writeInt16BE(v); this.parts.push(b); return this; }
  int32(v: number) { const b = Buffer.alloc(4); b.writeInt32BE(v); this.parts.push(b); return this; }
  int64(v: number) { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(v)); this.parts.push(b); return this; }
  string(v: string) { const s = Buffer.from(v, 'utf8'); this.int16(s.length); this.parts.push(s); return this; }
  bytes(v: Buffer | null) { if (v === null) return this.int32(-1); this.int32(v.length); this.parts.push(v); return this; }
  allocation(a: Allocation | null) {
    if (a === null) return this.int32(-1);
    this.int32(a.size);
    for (const [connector, tasks] of a) {
      this.string(connector).int32(tasks.length);
      for (const t of tasks) this.int32(t);
    }
    return this;
  }
  done() { return Buffer.concat(this.parts); }
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number) {
    if (this.at + n > this.buf.length) throw new Error(`Connect protocol payload truncated at byte ${this.at}`);
  }
  int16() { this.need(2); const v = this.buf.readInt16BE(this.at); this.at += 2; return v; }
  int32() { this.need(4); const v = this.buf.readInt32BE(this.at); this.at += 4; return v; }
  int64() { this.need(8); const v = this.buf.readBigInt64BE(this.at); this.at += 8; return Number(v); }
  string() { const n = this.int16(); this.need(n); const v = this.buf.toString('utf8', this.at, this.at + n); this.at += n; return v; }
  bytes(): Buffer | null { const n = this.int32(); if (n < 0) return null; this.need(n); const v = this.buf.subarray(this.at, this.at + n); this.at += n; return v; }
  allocation(): Allocation | null {
    const n = this.int32();
    if (n < 0) return null;
    const out: Allocation = new Map();
    for (let i = 0; i < n; i++) {
      const connector = this.string();
      const count = this.int32();
      const tasks: number[] = [];
      for (let t = 0; t < count; t++) tasks.push(this.int32());
      out.set(connector, tasks);
    }
    return out;
  }
  /** Later protocol versions may append fields; they are ignored as Connect ignores them. */
}

export function encodeMetadata(m: WorkerMetadata): Buffer {
  const allocation = m.allocation === null ? null : new Writer().int16(m.version).allocation(m.allocation).done();
  return new Writer().int16(m.version).string(m.url).int64(m.configOffset).bytes(allocation).done();
}

export function decodeMetadata(buf: Buffer): WorkerMetadata {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 1) throw new Error(`Connect protocol version ${version} (eager) is not supported; only compatible and sessioned`);
  const url = r.string();
  const configOffset = r.int64();
  const bytes = r.bytes();
  let allocation: Allocation | null = null;
  if (bytes !== null) {
    const a = new Reader(bytes);
    a.int16();
    allocation = a.allocation() ?? new Map();
  }
  return { version, url, configOffset, allocation };
}

export function encodeAssignment(a: WorkerAssignment): Buffer {
  return new Writer()
    .int16(a.version).int16(a.error).string(a.leader).string(a.leaderUrl).int64(a.configOffset)
    .allocation(a.assigned).allocation(a.revoked).int32(a.delayMs)
    .done();
}

export function decodeAssignment(buf: Buffer): WorkerAssignment {
  const r = new Reader(buf);
  const version = r.int16();
  const error = r.int16();
  const leader = r.string();
  const leaderUrl = r.string();
  const configOffset = r.int64();
  const assigned = r.allocation() ?? new Map();
  const revoked = r.allocation() ?? new Map();
  const delayMs = r.int32();
  return { version, error, leader, leaderUrl, configOffset, assigned, revoked, delayMs };
}

/** A connector with all its tasks, as an allocation entry (the distribution unit here is the connector). */
export function connectorWithTasks(taskCount: number): number[] {
  return [CONNECTOR_TASK, ...Array.from({ length: taskCount }, (_, i) => i)];
}

/** The connectors an allocation names (whether as connector or through a task). */
export const connectorsOf = (a: Allocation | null): string[] => [...(a?.keys() ?? [])];
