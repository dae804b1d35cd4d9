import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/errors/index.js';
import { compileTableFilters, parseMessageKeyColumns, splitRegexList, tableFiltersFromConfig } from '../../../snapshot/filters.js';

describe('snapshot table filters (Debezium semantics)', () => {
  it('matches the whole identifier, case-insensitively', () => {
    const f = compileTableFilters({ tableInclude: ['inventory\\.orders', 'inventory\\.cust.*'] });
    assert.equal(f.includeTable('inventory', 'orders'), true);
    assert.equal(f.includeTable('Inventory', 'ORDERS'), true);
    assert.equal(f.includeTable('inventory', 'orders_archive'), false, 'anchored at the end');
    assert.equal(f.includeTable('xinventory', 'orders'), false, 'anchored at the start');
    assert.equal(f.includeTable('inventory', 'customers'), true);
  });

  it('applies database (schema) lists before table lists, and exclude lists when there is no include list', () => {
    const f = compileTableFilters({ databaseInclude: ['app'], tableExclude: ['app\\.tmp_.*'] });
    assert.equal(f.includeTable('app', 'users'), true);
    assert.equal(f.includeTable('app', 'tmp_x'), false);
    assert.equal(f.includeTable('other', 'users'), false);
    const g = compileTableFilters({ databaseExclude: ['audit'] });
    assert.equal(g.includeTable('audit', 'x'), false);
    assert.equal(g.includeTable('app', 'x'), true);
    assert.equal(compileTableFilters({}).includeTable('any', 'thing'), true);
  });

  it('filters columns by db.table.column', () => {
    const f = compileTableFilters({ columnExclude: ['app\\.users\\.(password|ssn)'] });
    assert.equal(f.includeColumn('app', 'users', 'password'), false);
    assert.equal(f.includeColumn('app', 'users', 'name'), true);
    assert.equal(f.includeColumn('app', 'other', 'password'), true);
    const g = compileTableFilters({ columnInclude: ['app\\.users\\.id'] });
    assert.equal(g.includeColumn('app', 'users', 'name'), false);
  });

  it('parses message.key.columns', () => {
    const parsed = parseMessageKeyColumns('inventory.orders:customer_id, ts ; inventory\\.t.*:a');
    assert.deepEqual(parsed.map((p) => p.columns), [['customer_id', 'ts'], ['a']]);
    const f = compileTableFilters({ messageKeyColumns: 'inventory.orders:customer_id,ts;inventory\\.t.*:a' });
    assert.deepEqual(f.keyColumnsFor('inventory', 'orders'), ['customer_id', 'ts']);
    assert.deepEqual(f.keyColumnsFor('inventory', 'things'), ['a']);
    assert.equal(f.keyColumnsFor('inventory', 'other'), null);
    assert.throws(() => parseMessageKeyColumns('inventory.orders'), ConfigError);
  });

  it('splits lists without cutting quantifiers, and rejects invalid expressions with the config key', () => {
    assert.deepEqual(splitRegexList('a{1,3}, b , c\\,d,[x,y]'), ['a{1,3}', 'b', 'c,d', '[x,y]']);
    assert.throws(() => compileTableFilters({ tableInclude: ['(unclosed'] }), (e: unknown) => e instanceof ConfigError && e.key === 'table.include.list');
  });

  it('reads the Debezium keys per dialect from settings, rejoining lists split naively on commas', () => {
    const mysql = tableFiltersFromConfig({ 'database.include.list': ['app'], 'table.include.list': ['app\\.t{1', '3}'], 'schema.include.list': 'ignored' }, 'mariadb');
    assert.deepEqual(mysql.databaseInclude, ['app']);
    assert.deepEqual(mysql.tableInclude, ['app\\.t{1,3}']);
    const pg = tableFiltersFromConfig({ 'schema.include.list': 'public,sales', 'message.key.columns': ['public.t:a', 'b'] }, 'postgres');
    assert.deepEqual(pg.databaseInclude, ['public', 'sales']);
    assert.equal(pg.messageKeyColumns, 'public.t:a,b');
    assert.equal(pg.tableInclude, undefined);
  });
});
