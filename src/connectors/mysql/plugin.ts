/** The MySQL and MariaDB connector plugins: Debezium's MySqlConnector / MariaDbConnector (aliases `mysql`, `mariadb`). */
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
