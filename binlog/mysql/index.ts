export { startBinlogReader } from './reader.js';
export type { BinlogReader, BinlogReaderOptions } from './reader.js';
export type { BinlogItem, BinlogResumePosition, BinlogTransaction, WireTable } from './types.js';
export type { BinlogConnectionConfig, WireEvent, WireStream, WireStreamOptions } from './zongji-adapter.js';
export { parseDdl } from './ddl.js';
export type { DdlKind, DdlStatement, TableName } from './ddl.js';
export { translateMysqlError, POSITION_LOST_FIX, REQUIRED_GRANTS } from './errors.js';
