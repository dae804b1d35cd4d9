/** The PostgreSQL connector plugin: `io.debezium.connector.postgresql.PostgresConnector` (alias `postgres`). */
import type { ConnectorPlugin, ValidationResult } from '../../connect-api/index.js';
import { dropSlot, withClient } from '../../../binlog/postgres/index.js';
import { DEBEZIUM_VERSION } from '../../../schemas/index.js';
import { pgSettings, postgresConfigDef } from './config.js';
import { validatePgOffsets } from './offset-validation.js';
import { findProblems } from './prerequisites.js';
import { createPostgresSourceTask } from './task.js';

export const POSTGRES_CONNECTOR_CLASS = 'io.debezium.connector.postgresql.PostgresConnector';

export const postgresConnectorPlugin: ConnectorPlugin = {
  className: POSTGRES_CONNECTOR_CLASS,
  aliases: ['postgres', 'postgresql'],
  type: 'source',
  version: DEBEZIUM_VERSION,
  configDef: postgresConfigDef,

  async validate(settings, config): Promise<ValidationResult> {
    const s = pgSettings(settings, config.name);
    const problems = await findProblems(s, { streaming: s.snapshotMode !== 'initial_only', checkSlotInUse: true });
    const errors: Record<string, string[]> = {};
    for (const p of problems) (errors[p.key] ??= []).push(p.error.describe());
    return { errors };
  },

  // One replication slot is read by one client: PostgreSQL capture is a single task, as in Debezium.
  taskConfigs(config) {
    return [{ ...config }];
  },

  createTask: createPostgresSourceTask,

  validateOffsets: validatePgOffsets,

  async onDelete(settings, logger) {
    const s = pgSettings(settings);
    if (!s.slotDropOnStop) return;
    const dropped = await withClient(s.connection, `dropping replication slot "${s.slotName}"`, (c) => dropSlot(c, s.slotName));
    logger.info({ slot: s.slotName, dropped }, dropped ? 'Dropped the replication slot (slot.drop.on.stop=true)' : 'Replication slot was already gone');
  },
};
