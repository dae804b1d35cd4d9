/** Helpers of `npm run demo` (scripts/demo.ts) and its test. */
export { DemoError } from './errors.js';
export { USAGE, demoNames, isDemoTopic, parseDemoArgs, type DemoNames, type DemoOptions } from './options.js';
export { resolveServices, type ResolvedServices } from './services.js';
export { CUSTOMERS, LIVE_CHANGES, ORDERS, PRODUCTS, STOCK_MOVEMENT_ROWS, TABLE_ROWS } from './sample-data.js';
export { applyMariaDbChange, createMariaDbSample, dropMariaDbSample, mysqlConnection } from './mariadb.js';
export { applyPgChange, createPgSample, dropPgSample, pgConnection } from './postgres.js';
export { choosePort, logTail, startDemoWorker, stopStaleWorker, workerPaths, type DemoWorker } from './worker.js';
export { connectorStatus, curlFor, failureOf, mariaDbConnector, postgresConnector, registerConnector, type ConnectorStatus } from './connectors.js';
export { createProgressDisplay, plainLine, snapshotView, type SnapshotView } from './progress.js';
export { createTopicTail, decodeEvent, formatEvent, recordCount, type ChangeEvent, type TailItem } from './events.js';
