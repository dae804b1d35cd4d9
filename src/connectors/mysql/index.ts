/** The MySQL and MariaDB source connectors (Debezium's MySqlConnector / MariaDbConnector). */
import type { ConnectorPlugin } from '../../connect-api/index.js';
import { DEBEZIUM_VERSION, type BinlogConnectorName } from '../../../schemas/index.js';
import { MYSQL_CONFIG_DEF } from './config.js';
import { validateMySqlOffsets } from './offset-validation.js';
import { validateMySql } from './prerequisites.js';
import { createMySqlTask } from './task.js';

function plugin(className: string, alias: string, connector: BinlogConnectorName): ConnectorPlugin {
  return {
    className,
    aliases: [alias],
    type: 'source',
    version: DEBEZIUM_VERSION,
    configDef: MYSQL_CONFIG_DEF,
    validate: (settings) => validateMySql(settings),
    validateOffsets: validateMySqlOffsets,
    // The binlog is one ordered stream: one task, as in Debezium.
    taskConfigs: (config) => [{ ...config }],
    createTask: () => createMySqlTask(connector),
  };
}

export const mySqlConnectorPlugin = plugin('io.debezium.connector.mysql.MySqlConnector', 'mysql', 'mysql');
export const mariaDbConnectorPlugin = plugin('io.debezium.connector.mariadb.MariaDbConnector', 'mariadb', 'mariadb');

export { MYSQL_CONFIG_DEF, mysqlSettings, derivedServerId } from './config.js';
export type { MySqlSettings } from './config.js';
export { decodeOffset, encodeOffset, sourcePartition, OffsetFormatError } from './offsets.js';
export type { MySqlOffset, TablePositions } from './offsets.js';
export { checkServer, globalPrivileges, validateMySql } from './prerequisites.js';
export { createMySqlTask } from './task.js';
