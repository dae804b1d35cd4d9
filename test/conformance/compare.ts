/**
 * Record-by-record, field-by-field comparison of Debezium's golden records with ours. Per topic, records are
 * aligned by position (both sides ran the same scenario in the same order); each record's key, value and headers
 * are compared as JSON trees. A Connect schema's `fields` array is compared by field name (and its order
 * separately), so that a missing column reads `...fields[after].fields[price]` instead of shifting every index.
 *
 * A difference's path: `golden.conformance.wide[3].value.schema.fields[after].fields[price].parameters`.
 */
import type { CapturedRecord } from './capture.js';
import { ignoredBy } from './known-differences.js';
import { SCENARIOS, type ConnectorKind } from './scenarios.js';

export const ABSENT = '<absent>';

export interface Difference {
  topic: string;
  index: number;
  /** Path inside the record (key/value/headers...). */
  path: string;
  expected: unknown;
  actual: unknown;
}

export function fullPath(d: Difference): string {
  return `${d.topic}[${d.index}]${d.path ? `.${d.path}` : ''}`;
}

function isSchemaFields(a: unknown[]): boolean {
  return a.length > 0 && a.every((f) => f !== null && typeof f === 'object' && !Array.isArray(f) && typeof (f as { field?: unknown }).field === 'string');
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return typeof a === typeof b && a === b;
  return a === b;
}

/** A short, JSON-ish rendering for reports. */
export function show(v: unknown, max = 160): string {
  if (v === ABSENT) return ABSENT;
  const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  if (s === undefined) return String(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function diff(kind: ConnectorKind, topic: string, index: number, path: string, a: unknown, b: unknown, out: Difference[], snapshot = false): void {
  if (path && ignoredBy(kind, topic, path, snapshot)) return;
  const push = (expected: unknown, actual: unknown, p = path) => {
    if (!ignoredBy(kind, topic, p, snapshot)) out.push({ topic, index, path: p, expected, actual });
  };
  if (Array.isArray(a) && Array.isArray(b)) {
    if (isSchemaFields(a) && isSchemaFields(b)) {
      const names = (x: unknown[]) => x.map((f) => (f as { field: string }).field);
      const an = names(a);
      const bn = names(b);
      const bSet = new Set(bn);
      const aSet = new Set(an);
      const common = (x: string[], other: Set<string>) => x.filter((n) => other.has(n));
      if (JSON.stringify(common(an, bSet)) !== JSON.stringify(common(bn, aSet))) push(an, bn, `${path}(field order)`);
      for (const f of a as Array<{ field: string }>) {
        const g = (b as Array<{ field: string }>).find((x) => x.field === f.field);
        if (!g) push(f, ABSENT, `${path}[${f.field}]`);
        else diff(kind, topic, index, `${path}[${f.field}]`, f, g, out, snapshot);
      }
      for (const g of b as Array<{ field: string }>) if (!aSet.has(g.field)) push(ABSENT, g, `${path}[${g.field}]`);
      return;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length) push(ABSENT, b[i], `${path}[${i}]`);
      else if (i >= b.length) push(a[i], ABSENT, `${path}[${i}]`);
      else diff(kind, topic, index, `${path}[${i}]`, a[i], b[i], out, snapshot);
    }
    return;
  }
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    for (const k of Object.keys(a)) {
      if (!(k in b)) push(a[k], ABSENT, join(path, k));
      else diff(kind, topic, index, join(path, k), a[k], b[k], out, snapshot);
    }
    for (const k of Object.keys(b)) if (!(k in a)) push(ABSENT, b[k], join(path, k));
    return;
  }
  if (!same(a, b)) push(a, b);
}

// ---------------------------------------------------------------------------------------------------------------
// Positions: binlog positions, GTID sequence numbers, LSNs and transaction ids differ from run to run, so before
// comparing they are rewritten into what two runs of the same scenario share:
//   MariaDB     source.pos and the GTID's sequence number as their distance from the sentinel row's ("@-9178"): the
//               binlog between them is the same statements, byte for byte (two Debezium runs agree exactly);
//   PostgreSQL  a txId (source.txId, the txid part of a transaction id) as its rank among all txIds of the capture
//               ("T2"): transaction ids are the cluster's, and autovacuum's ANALYZE takes some at random times between
//               the snapshot and the sentinel, so only their order, and which ones are equal, is the same between
//               runs; an LSN (source.lsn, source.sequence's entries, the LSN part of a transaction id) as its rank
//               among all LSNs of the capture ("L3"): the WAL between two changes also holds records written at
//               random times (e.g. a 24-byte running-xacts record), so likewise only the order counts.
// A different meaning (the transaction's start instead of the row event's position, the commit LSN instead of the
// change's, the snapshot's LSN before or at the first change) still shows.

interface Anchor {
  pos?: number;
  gtid?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);
const rel = (v: unknown, base: number | undefined): unknown => {
  const n = num(v);
  return n === undefined || base === undefined ? v : `@${n - base}`;
};
const gtidSeq = (v: unknown): number | undefined => (typeof v === 'string' ? num(/^\d+-\d+-(\d+)$/.exec(v)?.[1]) : undefined);
const relGtid = (v: unknown, base: number | undefined): unknown => {
  const m = typeof v === 'string' ? /^(\d+-\d+-)(\d+)$/.exec(v) : null;
  return m && base !== undefined ? `${m[1]}@${Number(m[2]) - base}` : v;
};
/** PostgreSQL transaction ids "txId:lsn". */
const relPgTx = (v: unknown, txId: (x: unknown) => unknown, lsn: (x: unknown) => unknown): unknown => {
  const m = typeof v === 'string' ? /^(\d+):(\d+)$/.exec(v) : null;
  return m ? `${String(txId(m[1]))}:${String(lsn(m[2]))}` : v;
};

/** Every txId of a PostgreSQL capture (snapshot reads included), for ranking. */
function pgTxIds(records: CapturedRecord[]): number[] {
  const out = new Set<number>();
  const add = (v: unknown) => {
    const n = num(v);
    if (n !== undefined) out.add(n);
  };
  const addTx = (v: unknown) => add(typeof v === 'string' ? /^(\d+):\d+$/.exec(v)?.[1] : undefined);
  for (const r of records) {
    const payload = (r.value as any)?.payload;
    add(payload?.source?.txId);
    addTx(payload?.transaction?.id);
    if (r.topic.endsWith('.transaction')) {
      addTx(payload?.id);
      addTx((r.key as any)?.payload?.id);
    }
  }
  return [...out].sort((x, y) => x - y);
}

/** Every LSN of a PostgreSQL capture, for ranking. */
/** A snapshot read (PostgreSQL `source.snapshot` other than false: true, first, last, ..., incremental). */
function isSnapshotRead(source: { snapshot?: unknown }): boolean {
  return typeof source.snapshot === 'string' && source.snapshot !== 'false';
}

function pgLsns(records: CapturedRecord[]): number[] {
  const out = new Set<number>();
  const add = (v: unknown) => {
    const n = num(v);
    if (n !== undefined) out.add(n);
  };
  const addTx = (v: unknown) => add(typeof v === 'string' ? /^\d+:(\d+)$/.exec(v)?.[1] : undefined);
  for (const r of records) {
    const payload = (r.value as any)?.payload;
    const source = payload?.source;
    if (source && !isSnapshotRead(source)) {
      add(source.lsn);
      try {
        for (const x of (typeof source.sequence === 'string' ? JSON.parse(source.sequence) : []) as unknown[]) add(x);
      } catch {
        /* not a sequence */
      }
    }
    addTx(payload?.transaction?.id);
    if (r.topic.endsWith('.transaction')) {
      addTx(payload?.id);
      addTx((r.key as any)?.payload?.id);
    }
  }
  return [...out].sort((x, y) => x - y);
}

function sentinelAnchor(kind: ConnectorKind, records: CapturedRecord[]): Anchor {
  const { topic, id } = SCENARIOS[kind].sentinel;
  const r = records.find((x) => x.topic === topic && (x.value as any)?.payload?.after?.id === id);
  const src = (r?.value as any)?.payload?.source;
  if (!src) return {};
  return { pos: num(src.pos), gtid: gtidSeq(src.gtid) };
}

/** A copy of `records` with positions and ids made comparable between runs (see above). */
export function relativePositions(kind: ConnectorKind, records: CapturedRecord[]): CapturedRecord[] {
  const a = sentinelAnchor(kind, records);
  const ranks = kind === 'postgres' ? new Map(pgLsns(records).map((l, i) => [l, `L${i}`])) : new Map<number, string>();
  const lsn = (v: unknown) => {
    const n = num(v);
    return n === undefined ? v : ranks.get(n) ?? v;
  };
  const txRanks = kind === 'postgres' ? new Map(pgTxIds(records).map((t, i) => [t, `T${i}`])) : new Map<number, string>();
  const pgTxId = (v: unknown) => {
    const n = num(v);
    return n === undefined ? v : txRanks.get(n) ?? v;
  };
  const txid = (v: unknown) => (kind === 'mariadb' ? relGtid(v, a.gtid) : relPgTx(v, pgTxId, lsn));
  return records.map((r0) => {
    const r = structuredClone(r0);
    const payload = (r.value as any)?.payload;
    const source = payload?.source;
    if (source && typeof source === 'object') {
      if (kind === 'mariadb') {
        if ('pos' in source) source.pos = rel(source.pos, a.pos);
        if ('gtid' in source) source.gtid = relGtid(source.gtid, a.gtid);
      } else if (isSnapshotRead(source)) {
        // The LSN a snapshot is read at depends on WAL written between the slot's creation and the read (by the
        // connector itself, e.g. creating the publication): only that it is there, and the same in every record, counts.
        if ('lsn' in source) source.lsn = source.lsn === null ? null : 'snapshot LSN';
        if ('txId' in source) source.txId = pgTxId(source.txId);
        if (typeof source.sequence === 'string') source.sequence = source.sequence.replace(/"\d+"/g, '"snapshot LSN"');
      } else {
        if ('lsn' in source) source.lsn = lsn(source.lsn);
        if ('txId' in source) source.txId = pgTxId(source.txId);
        if (typeof source.sequence === 'string') {
          try {
            const seq = JSON.parse(source.sequence) as unknown[];
            if (Array.isArray(seq)) source.sequence = JSON.stringify(seq.map((x) => (x === null ? null : lsn(x))));
          } catch {
            /* compared as is */
          }
        }
      }
    }
    if (payload?.transaction && typeof payload.transaction === 'object' && 'id' in payload.transaction) payload.transaction.id = txid(payload.transaction.id);
    if (r.topic.endsWith('.transaction')) {
      if (payload && 'id' in payload) payload.id = txid(payload.id);
      const key = (r.key as any)?.payload;
      if (key && typeof key === 'object' && 'id' in key) key.id = txid(key.id);
    }
    return r;
  });
}

/** Every difference between Debezium's records (`expected`) and ours (`actual`) beyond KNOWN_DIFFERENCES. */
export function compareRecords(kind: ConnectorKind, expected0: CapturedRecord[], actual0: CapturedRecord[]): Difference[] {
  const expected = relativePositions(kind, expected0);
  const actual = relativePositions(kind, actual0);
  const out: Difference[] = [];
  const byTopic = (rs: CapturedRecord[]) => {
    const m = new Map<string, CapturedRecord[]>();
    for (const r of rs) (m.get(r.topic) ?? m.set(r.topic, []).get(r.topic)!).push(r);
    return m;
  };
  const e = byTopic(expected);
  const a = byTopic(actual);
  for (const topic of [...new Set([...e.keys(), ...a.keys()])].sort()) {
    const er = e.get(topic) ?? [];
    const ar = a.get(topic) ?? [];
    if (er.length !== ar.length) out.push({ topic, index: -1, path: '(record count)', expected: er.length, actual: ar.length });
    for (const [i, j] of align(er, ar)) {
      const x = i === undefined ? undefined : er[i];
      const y = j === undefined ? undefined : ar[j];
      if (!x) out.push({ topic, index: -1, path: `(unexpected record, ours #${j})`, expected: ABSENT, actual: summary(y!) });
      else if (!y) out.push({ topic, index: i!, path: '(missing record)', expected: summary(x), actual: ABSENT });
      else {
        const snapshot = isSnapshotRead((x.value as any)?.payload?.source ?? {});
        diff(kind, topic, i!, '', { key: x.key, value: x.value, headers: x.headers }, { key: y.key, value: y.value, headers: y.headers }, out, snapshot);
      }
    }
  }
  return out;
}

/**
 * Pairs of (golden index, our index). Same count: by position. Otherwise the longest common subsequence of the
 * records' signatures (operation, key, DDL text), so that one missing record (e.g. a tombstone, a snapshot DDL
 * event) is reported as missing instead of shifting every later comparison; unmatched records pair with nothing.
 */
function align(er: CapturedRecord[], ar: CapturedRecord[]): Array<[number | undefined, number | undefined]> {
  if (er.length === ar.length) return er.map((_, i) => [i, i]);
  const es = er.map(signature);
  const as = ar.map(signature);
  const n = es.length;
  const m = as.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i]![j] = es[i] === as[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const out: Array<[number | undefined, number | undefined]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (es[i] === as[j]) out.push([i++, j++]);
    else if (L[i + 1]![j]! >= L[i]![j + 1]!) out.push([i++, undefined]);
    else out.push([undefined, j++]);
  }
  while (i < n) out.push([i++, undefined]);
  while (j < m) out.push([undefined, j++]);
  return out;
}

function signature(r: CapturedRecord): string {
  const p = (r.value as { payload?: Record<string, unknown> } | null)?.payload;
  if (r.value === null) return `tombstone ${show((r.key as { payload?: unknown } | null)?.payload ?? null)}`;
  if (p?.status) return `status=${String(p.status)}`;
  if (typeof p?.ddl === 'string') return `ddl=${p.ddl.replace(/\s+/g, ' ').trim()}`;
  return `op=${String(p?.op)} ${show((r.key as { payload?: unknown } | null)?.payload ?? null, 10_000)}`;
}

/** One line describing a record (for missing/extra records). */
export function summary(r: CapturedRecord): string {
  const p = (r.value as { payload?: Record<string, unknown> } | null)?.payload;
  const what = r.value === null ? 'tombstone' : p?.op ? `op=${String(p.op)}` : p?.status ? `status=${String(p.status)}` : p?.ddl ? `ddl=${String(p.ddl).slice(0, 60)}` : 'record';
  return `${what} key=${show((r.key as { payload?: unknown } | null)?.payload ?? r.key, 80)}`;
}

export interface DifferenceGroup {
  /** The path with record indexes replaced by `*` (and field names kept). */
  pattern: string;
  count: number;
  examples: Difference[];
}

/** Differences grouped by path pattern (record index → *), largest group first. */
export function groupDifferences(diffs: Difference[]): DifferenceGroup[] {
  const groups = new Map<string, DifferenceGroup>();
  for (const d of diffs) {
    const pattern = `${d.topic}[*]${d.path ? `.${d.path.replace(/ours #\d+/, 'ours #*')}` : ''}`;
    const g = groups.get(pattern) ?? groups.set(pattern, { pattern, count: 0, examples: [] }).get(pattern)!;
    g.count++;
    if (g.examples.length < 2) g.examples.push(d);
  }
  return [...groups.values()].sort((x, y) => y.count - x.count || x.pattern.localeCompare(y.pattern));
}

/** Kinds of difference, for the report's summary: the first rule whose regex matches `<topic>[*].<path>` names it. */
const CATEGORIES: Array<[RegExp, string]> = [
  [/^golden\.transaction\[\*\]/, 'transaction topic: records missing or different (provide.transaction.metadata)'],
  [/\.value\.payload\.transaction(\.|$)/, 'transaction block of data events (provide.transaction.metadata)'],
  [/\.headers\.__debezium\.context\./, 'missing __debezium.context.* headers (connectorLogicalName, connectorName, taskId)'],
  [/\.headers\.__debezium\.(oldkey|newkey)$/, 'primary-key change headers __debezium.oldkey / __debezium.newkey'],
  [/^golden\[\*\]\.\(missing record\)|^golden\[\*\]\.\(record count\)/, 'schema change topic: snapshot DDL events missing'],
  [/^golden\[\*\]\.value\.payload\.tableChanges/, 'schema change topic: tableChanges details'],
  [/^golden\[\*\]\./, 'schema change topic: other fields'],
  [/\.fields\[[^\]]+\]\.default$/, 'column default missing/different in the schema'],
  [/\.fields\[source\]\.fields\[|\.value\.payload\.source\./, 'source block (fields, values, snapshot markers)'],
  [/tombstone|\(missing record\)|\(record count\)|\(unexpected record/, 'records missing or extra (tombstones, deletes)'],
  [/\.value\.schema\./, 'column schema: type / logical name / version / parameters / optional'],
  [/\.value\.payload\.before\./, 'before image values'],
  [/\.value\.payload\.after\./, 'after image values'],
  [/\.key\./, 'keys'],
];

export function category(d: Difference): string {
  const p = `${d.topic}[*]${d.path ? `.${d.path}` : ''}`;
  if (d.path.includes('(missing record)') && String(d.expected).startsWith('tombstone')) return 'records missing or extra (tombstones, deletes)';
  return CATEGORIES.find(([re]) => re.test(p))?.[1] ?? 'other';
}

/** The full report as text. */
export function formatReport(kind: ConnectorKind, diffs: Difference[], opts: { full?: boolean } = {}): string {
  const lines: string[] = [];
  const groups = groupDifferences(diffs);
  lines.push(`== ${kind}: ${diffs.length} difference(s) in ${groups.length} group(s) (expected = Debezium, actual = tscdc)`);
  const byCategory = new Map<string, { count: number; groups: Set<string> }>();
  for (const d of diffs) {
    const c = byCategory.get(category(d)) ?? byCategory.set(category(d), { count: 0, groups: new Set() }).get(category(d))!;
    c.count++;
    c.groups.add(`${d.topic}[*]${d.path ? `.${d.path}` : ''}`);
  }
  for (const [c, v] of [...byCategory].sort((x, y) => y[1].count - x[1].count)) lines.push(`  ${String(v.count).padStart(4)} in ${String(v.groups.size).padStart(3)} group(s): ${c}`);
  for (const g of groups) {
    const ex = g.examples[0]!;
    lines.push(`- ${g.pattern}  ×${g.count}`);
    lines.push(`    e.g. ${fullPath(ex)}: expected ${show(ex.expected)} actual ${show(ex.actual)}`);
  }
  if (opts.full) {
    lines.push('', `-- ${kind}: every difference`);
    for (const d of diffs) lines.push(`${fullPath(d)}: expected ${show(d.expected, 400)} actual ${show(d.actual, 400)}`);
  }
  return lines.join('\n');
}
