/**
 * Errors raised while building or encoding values. `schemas/` is a leaf and cannot import `src/errors/`, so this
 * class carries the same fields as the runtime's `CdcError` (`code`, `retriable`, `fix`, `describe()`); callers at
 * the edge may wrap it. Messages never include the offending value: row data may be sensitive.
 */
/**
 * The codes raised here. `src/errors/catalogue.ts` must list each of them (it does not compile otherwise), with
 * its meaning and general fix for docs/errors.md.
 */
export type SchemaErrorCode =
  | 'DATA_INVALID_VALUE' | 'DATA_REQUIRED_NULL' | 'AVRO_SCHEMALESS' | 'AVRO_SCHEMA_NOT_REGISTERED'
  | 'AVRO_INVALID_NAME' | 'AVRO_NOT_A_RECORD' | 'AVRO_SCHEMA_INCOMPATIBLE'
  | 'REGISTRY_SCHEMALESS' | 'REGISTRY_SCHEMA_NOT_REGISTERED' | 'REGISTRY_NOT_A_STRUCT' | 'REGISTRY_SCHEMA_INCOMPATIBLE'
  | 'PROTOBUF_UNSUPPORTED_SCHEMA' | 'CONVERTER_INCOMPATIBLE';

export class SchemaDataError extends Error {
  readonly code: SchemaErrorCode;
  readonly retriable: boolean;
  readonly fix: string;

  constructor(code: SchemaErrorCode, message: string, fix: string, retriable = false) {
    super(message);
    this.name = 'SchemaDataError';
    this.code = code;
    this.fix = fix;
    this.retriable = retriable;
  }

  describe(): string {
    return `${this.code}: ${this.message} Fix: ${this.fix}`;
  }
}

const REPORT_FIX = 'This is a bug in the connector\'s type mapping; report it with the column\'s type definition.';

export function invalidValue(what: string, expected: string): SchemaDataError {
  return new SchemaDataError('DATA_INVALID_VALUE', `${what}: value is not ${expected}.`, REPORT_FIX);
}

export function requiredNull(path: string): SchemaDataError {
  return new SchemaDataError(
    'DATA_REQUIRED_NULL',
    `Conversion error: null value for field '${path}' that is required and has no default value.`,
    REPORT_FIX,
  );
}
