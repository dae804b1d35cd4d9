export * from './column.js';
export * from './types.js';
export * from './table-codec.js';
export * from './values.js';
