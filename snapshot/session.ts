/**
 * Session settings of reader connections. They decide the text of temporal values, so a connector that wants
 * snapshot and streaming values to look alike applies the same settings to its streaming connection.
 */

/** MySQL/MariaDB: TIMESTAMP values in UTC, as Debezium reports them (DATETIME is unaffected). */
export const MYSQL_SESSION_SETTINGS: Readonly<Record<string, string>> = { time_zone: "'+00:00'" };

/** PostgreSQL: ISO dates, timestamptz in UTC, floats with full precision (shortest round-trip text), hex bytea. */
export const PG_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  extra_float_digits: '3',
  bytea_output: 'hex',
};
