/**
 * A pgoutput (logical replication protocol v1) message decoder. Pure: turns one XLogData payload into a
 * small object. Column values stay in PostgreSQL's text format (pgoutput sends text unless `binary` is
 * requested) so that streaming and the snapshot share one text→value mapping (schemas/postgres).
 *
 * Message layouts: https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html
 */
import { readLsn, type Lsn } from './lsn.js';

/** A column value that pgoutput did not send because it is an unchanged TOASTed datum (kind 'u'). */
export const UNCHANGED_TOAST: unique symbol = Symbol('unchanged-toast');
export type UnchangedToast = typeof UNCHANGED_TOAST;

/** One row image in relation column order: text, null, or the unchanged-TOAST marker. */
export type TupleValues = Array<string | null | UnchangedToast>;

export type ReplicaIdentity = 'default' | 'nothing' | 'full' | 'index';

export interface RelationColumn {
  name: string;
  /** Part of the replica identity (the key of old-key images). */
  isKey: boolean;
  typeOid: number;
  /** Type modifier (-1 when none): carries varchar length, numeric precision/scale, time precision. */
  typeMod: number;
}

export interface Relation {
  oid: number;
  schema: string;
  table: string;
  replicaIdentity: ReplicaIdentity;
  columns: RelationColumn[];
}

/** 2000-01-01T00:00:00Z in microseconds since the Unix epoch: PostgreSQL's timestamp origin. */
const PG_EPOCH_MICROS = 946_684_800_000_000;

export interface BeginMessage { tag: 'begin'; finalLsn: Lsn; commitTimeMicros: number; xid: number }
export interface CommitMessage { tag: 'commit'; commitLsn: Lsn; endLsn: Lsn; commitTimeMicros: number }
export interface RelationMessage { tag: 'relation'; relation: Relation }
export interface TypeMessage { tag: 'type'; oid: number; schema: string; name: string }
export interface OriginMessage { tag: 'origin'; originLsn: Lsn; name: string }
export interface InsertMessage { tag: 'insert'; relation: Relation; after: TupleValues }
export interface UpdateMessage {
  tag: 'update';
  relation: Relation;
  /** Old image: the full row with REPLICA IDENTITY FULL, the key columns when the key changed, else null. */
  before: TupleValues | null;
  /** True when `before` holds only the replica-identity columns (others are null). */
  beforeIsKey: boolean;
  after: TupleValues;
}
export interface DeleteMessage { tag: 'delete'; relation: Relation; before: TupleValues; beforeIsKey: boolean }
export interface TruncateMessage { tag: 'truncate'; relations: Relation[]; cascade: boolean; restartIdentity: boolean }
export interface LogicalMessage { tag: 'message'; transactional: boolean; lsn: Lsn; prefix: string; content: Buffer }

export type PgOutputMessage =
  | BeginMessage | CommitMessage | RelationMessage | TypeMessage | OriginMessage
  | InsertMessage | UpdateMessage | DeleteMessage | TruncateMessage | LogicalMessage;

export class PgOutputDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgOutputDecodeError';
  }
}

export interface PgOutputDecoder {
  /** Decodes one message. `buf` may be reused by the caller afterwards: nothing returned refers to it. */
  decode(buf: Buffer): PgOutputMessage;
  relation(oid: number): Relation | undefined;
}

export function createPgOutputDecoder(): PgOutputDecoder {
  const relations = new Map<number, Relation>();
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0;

  const u8 = (): number => buf[pos++]!;
  const i16 = (): number => { const v = buf.readInt16BE(pos); pos += 2; return v; };
  const i32 = (): number => { const v = buf.readInt32BE(pos); pos += 4; return v; };
  const lsn = (): Lsn => { const v = readLsn(buf, pos); pos += 8; return v; };
  const timeMicros = (): number => {
    // int64 microseconds since 2000-01-01; commit times fit a double exactly (< 2^53 µs ≈ 285 years).
    const v = buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
    pos += 8;
    return v + PG_EPOCH_MICROS;
  };
  const cstring = (): string => {
    const end = buf.indexOf(0, pos);
    if (end < 0) throw new PgOutputDecodeError('pgoutput: unterminated string');
    const s = buf.toString('utf8', pos, end);
    pos = end + 1;
    return s;
  };
  const relationRef = (): Relation => {
    const oid = i32() >>> 0;
    const rel = relations.get(oid);
    if (!rel) throw new PgOutputDecodeError(`pgoutput: change for relation ${oid} before its Relation message`);
    return rel;
  };
  const tuple = (): TupleValues => {
    const n = i16();
    const values: TupleValues = new Array(n);
    for (let i = 0; i < n; i++) {
      const kind = buf[pos++];
      if (kind === 0x74 /* t */) {
        const len = buf.readInt32BE(pos);
        pos += 4;
        values[i] = buf.toString('utf8', pos, pos + len);
        pos += len;
      } else if (kind === 0x6e /* n */) {
        values[i] = null;
      } else if (kind === 0x75 /* u */) {
        values[i] = UNCHANGED_TOAST;
      } else if (kind === 0x62 /* b */) {
        throw new PgOutputDecodeError('pgoutput: binary tuple data is not requested and not supported');
      } else {
        throw new PgOutputDecodeError(`pgoutput: unknown tuple data kind ${kind}`);
      }
    }
    return values;
  };
  const identity = (c: number): ReplicaIdentity => {
    switch (c) {
      case 0x64: return 'default';
      case 0x6e: return 'nothing';
      case 0x66: return 'full';
      case 0x69: return 'index';
      default: throw new PgOutputDecodeError(`pgoutput: unknown replica identity ${String.fromCharCode(c)}`);
    }
  };

  function decode(input: Buffer): PgOutputMessage {
    buf = input;
    pos = 0;
    const tag = u8();
    switch (tag) {
      case 0x42 /* B */: {
        const finalLsn = lsn();
        const commitTimeMicros = timeMicros();
        return { tag: 'begin', finalLsn, commitTimeMicros, xid: i32() >>> 0 };
      }
      case 0x43 /* C */: {
        pos++; // flags, unused
        const commitLsn = lsn();
        const endLsn = lsn();
        return { tag: 'commit', commitLsn, endLsn, commitTimeMicros: timeMicros() };
      }
      case 0x52 /* R */: {
        const oid = i32() >>> 0;
        const schemaName = cstring();
        const table = cstring();
        const replicaIdentity = identity(u8());
        const n = i16();
        const columns: RelationColumn[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const flags = u8();
          const name = cstring();
          const typeOid = i32() >>> 0;
          columns[i] = { name, isKey: (flags & 1) === 1, typeOid, typeMod: i32() };
        }
        // An empty namespace means pg_catalog (pgoutput's convention).
        const relation: Relation = { oid, schema: schemaName === '' ? 'pg_catalog' : schemaName, table, replicaIdentity, columns };
        relations.set(oid, relation);
        return { tag: 'relation', relation };
      }
      case 0x59 /* Y */: {
        const oid = i32() >>> 0;
        const schemaName = cstring();
        return { tag: 'type', oid, schema: schemaName, name: cstring() };
      }
      case 0x4f /* O */: {
        const originLsn = lsn();
        return { tag: 'origin', originLsn, name: cstring() };
      }
      case 0x49 /* I */: {
        const relation = relationRef();
        pos++; // 'N'
        return { tag: 'insert', relation, after: tuple() };
      }
      case 0x55 /* U */: {
        const relation = relationRef();
        let kind = u8();
        let before: TupleValues | null = null;
        let beforeIsKey = false;
        if (kind === 0x4b /* K */ || kind === 0x4f /* O */) {
          beforeIsKey = kind === 0x4b;
          before = tuple();
          kind = u8();
        }
        if (kind !== 0x4e /* N */) throw new PgOutputDecodeError(`pgoutput: unexpected update submessage ${String.fromCharCode(kind)}`);
        return { tag: 'update', relation, before, beforeIsKey, after: tuple() };
      }
      case 0x44 /* D */: {
        const relation = relationRef();
        const kind = u8();
        if (kind !== 0x4b && kind !== 0x4f) throw new PgOutputDecodeError(`pgoutput: unexpected delete submessage ${String.fromCharCode(kind)}`);
        return { tag: 'delete', relation, before: tuple(), beforeIsKey: kind === 0x4b };
      }
      case 0x54 /* T */: {
        const n = i32();
        const flags = u8();
        const rels: Relation[] = [];
        for (let i = 0; i < n; i++) rels.push(relationRef());
        return { tag: 'truncate', relations: rels, cascade: (flags & 1) !== 0, restartIdentity: (flags & 2) !== 0 };
      }
      case 0x4d /* M */: {
        const flags = u8();
        const at = lsn();
        const prefix = cstring();
        const len = i32();
        const content = Buffer.from(buf.subarray(pos, pos + len));
        pos += len;
        return { tag: 'message', transactional: (flags & 1) !== 0, lsn: at, prefix, content };
      }
      default:
        throw new PgOutputDecodeError(`pgoutput: unknown message type ${String.fromCharCode(tag)} (${tag})`);
    }
  }

  return { decode, relation: (oid) => relations.get(oid) };
}
