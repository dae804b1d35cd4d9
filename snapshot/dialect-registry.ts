/** Which `SnapshotDialect` (snapshot/dialect.ts) serves a dialect name: the one place that knows them all. */
import { ConfigError } from '../src/errors/index.js';
import type { SnapshotDialect } from './dialect.js';
import { createMysqlDialect } from './mysql-dialect.js';
import { createPostgresDialect } from './postgres-dialect.js';
import type { SnapshotDialectName } from './types.js';

export function dialectFor(name: SnapshotDialectName): SnapshotDialect {
  switch (name) {
    case 'mysql':
    case 'mariadb':
      return createMysqlDialect(name);
    case 'postgres':
      return createPostgresDialect();
    default:
      throw new ConfigError(`unknown snapshot dialect '${String(name)}'`);
  }
}
