/**
 * Allocation-light parsing of the temporal text that MySQL/MariaDB and PostgreSQL return, into days since the
 * epoch and nanoseconds of the day (proleptic Gregorian calendar, as Java's `LocalDate`). Accepted forms:
 *   date       `[+-]Y+-M-D[ BC]` (year 0 = 1 BC; PostgreSQL writes `0001-01-01 BC` for it)
 *   time       `[-]H+:MM[:SS[.f{1,9}]]` (hours beyond 24 for MySQL TIME durations)
 *   timestamp  date (' '|'T') time [offset] [' BC']; offset `Z`, `±HH`, `±HH:MM`, `±HH:MM:SS`, `±HHMM`
 * Zero dates (`0000-00-00`) and impossible dates (`2020-02-30`) parse as invalid.
 */
export function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Year, month (1-12) and day of an epoch day. */
export function civilOf(epochDay: number): [number, number, number] {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const NANOS_PER_DAY = 86_400_000_000_000;

/** Result of the last successful parse; read right after the call (the parser reuses it, no per-row objects). */
export const parsed = { days: 0, nanoOfDay: 0, nanos: 0, offsetSeconds: 0, hasOffset: false };

let pos = 0;

function digits(text: string, min: number, max: number): number {
  let value = 0;
  let n = 0;
  while (pos < text.length && n < max) {
    const c = text.charCodeAt(pos) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
    pos++;
    n++;
  }
  return n < min ? -1 : value;
}

function expect(text: string, ch: number): boolean {
  if (text.charCodeAt(pos) !== ch) return false;
  pos++;
  return true;
}

/** `.f{1,9}` → nanoseconds (extra digits truncated); 0 when absent. */
function fraction(text: string): number {
  if (text.charCodeAt(pos) !== 46 /* . */) return 0;
  pos++;
  let nanos = 0;
  let n = 0;
  while (pos < text.length) {
    const c = text.charCodeAt(pos) - 48;
    if (c < 0 || c > 9) break;
    if (n < 9) nanos = nanos * 10 + c;
    pos++;
    n++;
  }
  for (; n < 9; n++) nanos *= 10;
  return nanos;
}

function parseDatePart(text: string): number | null {
  let sign = 1;
  if (text.charCodeAt(pos) === 45 /* - */) { sign = -1; pos++; } else if (text.charCodeAt(pos) === 43) pos++;
  const year = digits(text, 1, 9);
  if (year < 0 || !expect(text, 45)) return null;
  const month = digits(text, 1, 2);
  if (month < 1 || month > 12 || !expect(text, 45)) return null;
  const day = digits(text, 1, 2);
  const y = sign * year;
  if (day < 1 || day > (month === 2 && isLeap(y) ? 29 : MONTH_DAYS[month]!)) return null;
  return epochDayOf(y, month, day);
}

/** Moves an epoch day from the AD year Y to year 1-Y (PostgreSQL's `Y-M-D BC`), keeping month and day. */
function toBc(epochDay: number): number {
  const [y, m, d] = civilOf(epochDay);
  return epochDayOf(1 - y, m, d);
}

function bcSuffix(text: string): boolean {
  if (text.length - pos === 3 && text.charCodeAt(pos) === 32 && text.endsWith('BC')) { pos += 3; return true; }
  if (text.length - pos === 3 && text.charCodeAt(pos) === 32 && text.endsWith('AD')) pos += 3;
  return false;
}

/** `H+:MM[:SS[.f]]` → nanoseconds; -1 when malformed. */
function parseClock(text: string, maxHourDigits: number): number {
  const h = digits(text, 1, maxHourDigits);
  if (h < 0 || !expect(text, 58)) return -1;
  const m = digits(text, 2, 2);
  if (m < 0 || m > 59) return -1;
  let s = 0;
  if (text.charCodeAt(pos) === 58) {
    pos++;
    s = digits(text, 2, 2);
    if (s < 0 || s > 60) return -1;
  }
  return ((h * 60 + m) * 60 + s) * 1e9 + fraction(text);
}

/** `Z` / `±HH[:MM[:SS]]` / `±HHMM` → seconds east of UTC, or NaN when malformed. 0 (and no offset) when absent. */
function parseOffset(text: string): number {
  parsed.hasOffset = false;
  const c = text.charCodeAt(pos);
  if (c === 90 /* Z */) { pos++; parsed.hasOffset = true; return 0; }
  if (c !== 43 && c !== 45) return 0;
  pos++;
  const hh = digits(text, 2, 2);
  if (hh < 0) return NaN;
  let mm = 0;
  let ss = 0;
  if (text.charCodeAt(pos) === 58) {
    pos++;
    mm = digits(text, 2, 2);
    if (text.charCodeAt(pos) === 58) { pos++; ss = digits(text, 2, 2); }
  } else if (pos < text.length && text.charCodeAt(pos) !== 32) {
    mm = digits(text, 2, 2);
  }
  if (mm < 0 || ss < 0) return NaN;
  parsed.hasOffset = true;
  return (c === 45 ? -1 : 1) * (hh * 3600 + mm * 60 + ss);
}

/** Parses a date; sets `parsed.days`. */
export function parseDate(text: string): boolean {
  pos = 0;
  let days = parseDatePart(text);
  if (days === null) return false;
  if (bcSuffix(text)) days = toBc(days);
  if (pos !== text.length) return false;
  parsed.days = days;
  return true;
}

/** Parses a time of day or a signed duration (MySQL TIME); sets `parsed.nanos` (signed) and the offset fields. */
export function parseTime(text: string): boolean {
  pos = 0;
  const negative = expect(text, 45);
  const nanos = parseClock(text, 9);
  if (nanos < 0) return false;
  const offset = parseOffset(text);
  if (Number.isNaN(offset) || pos !== text.length) return false;
  parsed.nanos = negative ? -nanos : nanos;
  parsed.offsetSeconds = offset;
  return true;
}

/**
 * Parses a timestamp; sets `parsed.days`/`parsed.nanoOfDay` in UTC when the text has an offset (else as written),
 * and `parsed.hasOffset`/`parsed.offsetSeconds`.
 */
export function parseTimestamp(text: string): boolean {
  pos = 0;
  let days = parseDatePart(text);
  if (days === null) return false;
  let nanoOfDay = 0;
  let offset = 0;
  parsed.hasOffset = false;
  const sep = text.charCodeAt(pos);
  if (sep === 32 || sep === 84 /* T */) {
    pos++;
    nanoOfDay = parseClock(text, 2);
    if (nanoOfDay < 0 || nanoOfDay > NANOS_PER_DAY) return false;
    offset = parseOffset(text);
    if (Number.isNaN(offset)) return false;
  }
  if (bcSuffix(text)) days = toBc(days);
  if (pos !== text.length) return false;
  nanoOfDay -= offset * 1e9;
  if (nanoOfDay < 0) { days--; nanoOfDay += NANOS_PER_DAY; } else if (nanoOfDay >= NANOS_PER_DAY) { days++; nanoOfDay -= NANOS_PER_DAY; }
  parsed.days = days;
  parsed.nanoOfDay = nanoOfDay;
  parsed.offsetSeconds = offset;
  return true;
}
