/** The MySQL and MariaDB source connectors (Debezium's MySqlConnector / MariaDbConnector): plugin, config, task, offsets. */
export { mariaDbConnectorPlugin, mySqlConnectorPlugin } from './plugin.js';
export { MYSQL_CONFIG_DEF, mysqlSettings, derivedServerId } from './config.js';
export type { MySqlSettings } from './config.js';
export { decodeOffset, encodeOffset, sourcePartition, OffsetFormatError } from './offsets.js';
export type { MySqlOffset, TablePositions } from './offsets.js';
export { checkServer, globalPrivileges, validateMySql } from './prerequisites.js';
export { createMySqlTask } from './task.js';
