import { int64, string, toInt64, type SchemaOptions } from './builders.js';
import { TemporalName } from './temporal.js';

/** int64 microseconds (PostgreSQL `interval.handling.mode=numeric`); Debezium declared it float64 before 2.0. */
export const microDurationSchema = (o?: SchemaOptions) => int64({ ...o, name: TemporalName.MicroDuration, version: 1 });
/** ISO-8601 `PnYnMnDTnHnMnS` (PostgreSQL `interval.handling.mode=string`). */
export const intervalSchema = (o?: SchemaOptions) => string({ ...o, name: TemporalName.Interval, version: 1 });

/** Debezium's average month length for MicroDuration: 365.25 / 12 days. */
export const DAYS_PER_MONTH_AVG = 365.25 / 12;

/** An interval split as PostgreSQL reports it; every part carries its own sign. `seconds` is decimal text. */
export interface IntervalParts {
  years: number;
  months: number;
  days: number;
  hours: number;
  minutes: number;
  /** Seconds with fraction, e.g. `6.789` or `-0.5`. */
  seconds: string;
}

/**
 * Microseconds of an interval as Debezium's `MicroDuration` computes them: days, hours, minutes and whole
 * seconds in double arithmetic (months as `daysPerMonthAvg` days), the fraction added as whole microseconds,
 * the sum truncated toward zero to a long.
 */
export function intervalMicros(p: IntervalParts, daysPerMonthAvg = DAYS_PER_MONTH_AVG): number | bigint {
  const [whole, fraction] = splitSeconds(p.seconds);
  const numberOfDays = (p.years * 12 + p.months) * daysPerMonthAvg + p.days;
  const numberOfSeconds = ((numberOfDays * 24 + p.hours) * 60 + p.minutes) * 60 + whole;
  const micros = Math.trunc(numberOfSeconds * 1e6 + fraction) + 0; // + 0 turns -0 into 0
  if (Number.isSafeInteger(micros)) return micros;
  // Java's double-to-long cast saturates (PostgreSQL intervals reach 178 million years)
  const big = BigInt(micros);
  return toInt64(big > LONG_MAX ? LONG_MAX : big < LONG_MIN ? LONG_MIN : big);
}

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/** `-6.789` → [-6, -789000]: whole seconds and the fraction in microseconds, both with the text's sign. */
function splitSeconds(text: string): [number, number] {
  const t = text.trim();
  const sign = t.startsWith('-') ? -1 : 1;
  const [int = '0', frac = ''] = t.replace(/^[+-]/, '').split('.');
  return [sign * Number(int), sign * Number(frac.slice(0, 6).padEnd(6, '0'))];
}

/** Debezium's Interval string: seconds truncated to 6 decimals, trailing zeros stripped (`P1Y2M3DT4H5M6.78S`). */
export function intervalIsoString(p: IntervalParts): string {
  return `P${p.years}Y${p.months}M${p.days}DT${p.hours}H${p.minutes}M${plainSeconds(p.seconds)}S`;
}

function plainSeconds(text: string): string {
  let s = text.trim();
  const negative = s.startsWith('-');
  if (negative || s.startsWith('+')) s = s.slice(1);
  let [int = '0', frac = ''] = s.split('.');
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.slice(0, 6).replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return negative && body !== '0' ? '-' + body : body;
}

const UNIT = /^([+-]?\d+) (years?|mons?|days?)$/;

/**
 * Parses PostgreSQL's default (`IntervalStyle=postgres`) interval text, e.g. `1 year 2 mons -3 days +04:05:06.789`
 * or `-00:00:01.5`. Returns null for other styles.
 */
export function parsePostgresInterval(text: string): IntervalParts | null {
  const parts: IntervalParts = { years: 0, months: 0, days: 0, hours: 0, minutes: 0, seconds: '0' };
  const tokens = text.trim().split(' ');
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.includes(':')) {
      const m = /^([+-]?)(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(tok);
      if (!m) return null;
      const sign = m[1] === '-' ? -1 : 1;
      parts.hours = sign * Number(m[2]);
      parts.minutes = sign * Number(m[3]);
      const secs = m[4] ?? '0';
      parts.seconds = sign < 0 && Number(secs) !== 0 ? '-' + secs : secs;
      continue;
    }
    const m = UNIT.exec(`${tok} ${tokens[i + 1] ?? ''}`);
    if (!m) return null;
    i++;
    const n = Number(m[1]);
    if (m[2]!.startsWith('y')) parts.years = n;
    else if (m[2]!.startsWith('m')) parts.months = n;
    else parts.days = n;
  }
  return parts;
}
