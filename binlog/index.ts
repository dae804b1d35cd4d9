/** Change-log readers, one folder per source database. */
export * as mysql from './mysql/index.js';
export * as postgres from './postgres/index.js';
