/**
 * Java's `SimpleDateFormat` patterns (as TimestampRouter and TimestampConverter use them, always in UTC, English
 * names, US week rules): compiled once, then formatting epoch milliseconds and parsing text.
 *
 * Formatting knows every pattern letter Java has (G y Y M L w W D d F E u a H k K h m s S z Z X). Parsing is
 * lenient as Java's default is (out-of-range fields roll over, text after the pattern is ignored) and reads
 * G y M L d D E a H k K h m s S z Z X; the week-based letters (Y w W F u) fail the record when parsing, rather
 * than being read into a different date. Dates before the Gregorian reform (1582) use the proleptic Gregorian
 * calendar, where Java switches to the Julian one.
 */

export type DateToken = { text: string } | { letter: string; count: number };

export interface DatePattern {
  readonly pattern: string;
  readonly tokens: readonly DateToken[];
}

const LETTERS = new Set('GyYMLwWDdFEuaHkKhmsSzZX'.split(''));
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MILLIS_PER_DAY = 86_400_000;

/** The compiled pattern, or Java's complaint about it. */
export function compileDatePattern(pattern: string): DatePattern | { error: string } {
  const tokens: DateToken[] = [];
  const text = (t: string) => {
    const last = tokens[tokens.length - 1];
    if (last && 'text' in last) last.text += t;
    else tokens.push({ text: t });
  };
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") { text("'"); i += 2; continue; }
      let j = i + 1;
      let quoted = '';
      for (;;) {
        if (j >= pattern.length) return { error: 'Unterminated quote' };
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") { quoted += "'"; j += 2; continue; }
          break;
        }
        quoted += pattern[j++];
      }
      text(quoted);
      i = j + 1;
    } else if (/[a-zA-Z]/.test(c)) {
      if (!LETTERS.has(c)) return { error: `Illegal pattern character '${c}'` };
      let j = i;
      while (pattern[j] === c) j++;
      if (c === 'X' && j - i > 3) return { error: `invalid ISO 8601 format: length=${j - i}` };
      tokens.push({ letter: c, count: j - i });
      i = j;
    } else {
      text(c);
      i++;
    }
  }
  return { pattern, tokens };
}

const pad = (n: number, width: number) => {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
};

/** Week of year and its week-based year, with Sunday-first weeks and week 1 the one holding January 1 (US). */
function weekOfYear(d: Date): [number, number] {
  const year = d.getUTCFullYear();
  const dayOfYear = Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / MILLIS_PER_DAY) + 1;
  const nextJan1 = new Date(Date.UTC(year + 1, 0, 1));
  const daysInYear = Math.round((nextJan1.getTime() - Date.UTC(year, 0, 1)) / MILLIS_PER_DAY);
  // The week holding the next January 1 is week 1 of the next year.
  if (dayOfYear > daysInYear - nextJan1.getUTCDay()) return [1, year + 1];
  const jan1Dow = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  return [Math.floor((dayOfYear - 1 + jan1Dow) / 7) + 1, year];
}

function formatField(letter: string, count: number, d: Date, ms: number): string {
  const year = d.getUTCFullYear();
  const eraYear = year > 0 ? year : 1 - year;
  switch (letter) {
    case 'G': return year > 0 ? 'AD' : 'BC';
    case 'y': return count === 2 ? pad(eraYear % 100, 2) : pad(eraYear, count);
    case 'Y': { const wy = weekOfYear(d)[1]; return count === 2 ? pad(wy % 100, 2) : pad(wy, count); }
    case 'M': case 'L': {
      const m = d.getUTCMonth();
      return count >= 4 ? MONTHS[m]! : count === 3 ? MONTHS[m]!.slice(0, 3) : pad(m + 1, count);
    }
    case 'w': return pad(weekOfYear(d)[0], count);
    case 'W': {
      const firstDow = new Date(Date.UTC(year, d.getUTCMonth(), 1)).getUTCDay();
      return pad(Math.floor((d.getUTCDate() - 1 + firstDow) / 7) + 1, count);
    }
    case 'D': return pad(Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / MILLIS_PER_DAY) + 1, count);
    case 'd': return pad(d.getUTCDate(), count);
    case 'F': return pad(Math.floor((d.getUTCDate() - 1) / 7) + 1, count);
    case 'E': return count >= 4 ? DAYS[d.getUTCDay()]! : DAYS[d.getUTCDay()]!.slice(0, 3);
    case 'u': return pad(d.getUTCDay() === 0 ? 7 : d.getUTCDay(), count);
    case 'a': return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'H': return pad(d.getUTCHours(), count);
    case 'k': return pad(d.getUTCHours() === 0 ? 24 : d.getUTCHours(), count);
    case 'K': return pad(d.getUTCHours() % 12, count);
    case 'h': return pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, count);
    case 'm': return pad(d.getUTCMinutes(), count);
    case 's': return pad(d.getUTCSeconds(), count);
    case 'S': return pad(ms - Math.floor(ms / 1000) * 1000, count);
    case 'z': return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z': return '+0000';
    default: return 'Z'; // X: ISO 8601 zone, which is "Z" for UTC at every length
  }
}

/** `epochMillis` as the pattern writes it, in UTC. */
export function formatDate(p: DatePattern, epochMillis: number): string {
  const d = new Date(epochMillis);
  let out = '';
  for (const t of p.tokens) out += 'text' in t ? t.text : formatField(t.letter, t.count, d, epochMillis);
  return out;
}

/** Fields read from text; what is absent keeps Java's defaults (1970-01-01T00:00:00.000, UTC). */
interface Parsed {
  year: number; month: number; day: number; dayOfYear?: number;
  hourOfDay?: number; hour12?: number; pm?: boolean; minute: number; second: number; millis: number; offsetMinutes: number;
  bc: boolean;
}

/**
 * Epoch milliseconds of `text` read with the pattern, undefined when its start does not fit, or a string naming a
 * pattern letter this service cannot parse.
 */
export function parseDate(p: DatePattern, text: string, now = new Date()): number | undefined | { unsupported: string } {
  const v: Parsed = { year: 1970, month: 1, day: 1, minute: 0, second: 0, millis: 0, offsetMinutes: 0, bc: false };
  let pos = 0;
  for (let i = 0; i < p.tokens.length; i++) {
    const t = p.tokens[i]!;
    if ('text' in t) {
      if (!text.startsWith(t.text, pos)) return undefined;
      pos += t.text.length;
      continue;
    }
    if ('YwWFu'.includes(t.letter)) return { unsupported: t.letter };
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
    const next = p.tokens[i + 1];
    // Java reads exactly `count` digits when another field follows directly (e.g. yyyyMMdd).
    const maxDigits = next !== undefined && !('text' in next) ? t.count : Infinity;
    const read = readField(t.letter, t.count, text, pos, maxDigits, v, now);
    if (read === undefined) return undefined;
    pos = read;
  }
  if (pos === 0 && p.tokens.length > 0) return undefined;
  return toEpochMillis(v);
}

function readNumber(text: string, pos: number, maxDigits: number): [number, number] | undefined {
  let end = pos;
  const negative = text[end] === '-';
  if (negative) end++;
  const start = end;
  while (end < text.length && end - start < maxDigits && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  if (end === start) return undefined;
  const n = Number(text.slice(start, end));
  return [negative ? -n : n, end];
}

/** The longest of `names` (case-insensitive) at `pos`: its index and end. */
function readName(text: string, pos: number, names: readonly string[]): [number, number] | undefined {
  let best: [number, number] | undefined;
  const lower = text.toLowerCase();
  names.forEach((name, idx) => {
    if (lower.startsWith(name.toLowerCase(), pos) && (!best || name.length > best[1] - pos)) best = [idx, pos + name.length];
  });
  return best;
}

function readZone(text: string, pos: number, v: Parsed, letter: string): number | undefined {
  if (text[pos] === 'Z' && letter === 'X') { v.offsetMinutes = 0; return pos + 1; }
  let at = pos;
  const prefix = readName(text, at, ['GMT', 'UTC', 'UT']);
  if (prefix) at = prefix[1];
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?/.exec(text.slice(at));
  if (!m) return prefix ? (v.offsetMinutes = 0, at) : undefined;
  v.offsetMinutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  return at + m[0].length;
}

function readField(letter: string, count: number, text: string, pos: number, maxDigits: number, v: Parsed, now: Date): number | undefined {
  switch (letter) {
    case 'G': { const r = readName(text, pos, ['AD', 'BC']); if (!r) return undefined; v.bc = r[0] === 1; return r[1]; }
    case 'M': case 'L':
      if (count >= 3) {
        const r = readName(text, pos, [...MONTHS, ...MONTHS.map((m) => m.slice(0, 3))]);
        if (!r) return undefined;
        v.month = (r[0] % 12) + 1;
        return r[1];
      }
      break;
    case 'E': { const r = readName(text, pos, [...DAYS, ...DAYS.map((d) => d.slice(0, 3))]); return r?.[1]; }
    case 'a': { const r = readName(text, pos, ['AM', 'PM']); if (!r) return undefined; v.pm = r[0] === 1; return r[1]; }
    case 'z': case 'Z': case 'X': return readZone(text, pos, v, letter);
    default: break;
  }
  const r = readNumber(text, pos, maxDigits);
  if (!r) return undefined;
  const [n, end] = r;
  switch (letter) {
    case 'y':
      // Two digits for "yy" mean the year within 80 years before and 20 after now, as Java's default century.
      if (count <= 2 && end - pos === 2) {
        const start = now.getUTCFullYear() - 80;
        const year = Math.floor(start / 100) * 100 + n;
        v.year = year < start ? year + 100 : year;
      } else v.year = n;
      break;
    case 'M': case 'L': v.month = n; break;
    case 'd': v.day = n; break;
    case 'D': v.dayOfYear = n; break;
    case 'H': v.hourOfDay = n; break;
    case 'k': v.hourOfDay = n === 24 ? 0 : n; break;
    case 'K': v.hour12 = n; break;
    case 'h': v.hour12 = n === 12 ? 0 : n; break;
    case 'm': v.minute = n; break;
    case 's': v.second = n; break;
    case 'S': v.millis = n; break;
    default: return undefined;
  }
  return end;
}

function toEpochMillis(v: Parsed): number {
  const hour = v.hourOfDay ?? (v.hour12 ?? 0) + (v.pm ? 12 : 0);
  const d = new Date(0);
  const year = v.bc ? 1 - v.year : v.year;
  if (v.dayOfYear !== undefined) d.setUTCFullYear(year, 0, v.dayOfYear);
  else d.setUTCFullYear(year, v.month - 1, v.day);
  d.setUTCHours(hour, v.minute, v.second, v.millis);
  return d.getTime() - v.offsetMinutes * 60_000;
}
