/** PostgreSQL type model and type mapping (pure). */
export * from './column.js';
export * from './type-mapping.js';
export { parseArrayLiteral, parseBytea, parseHstore, parseMoney, parsePoint } from './text-formats.js';
