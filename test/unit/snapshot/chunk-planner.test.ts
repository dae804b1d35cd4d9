import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bindKeyParams, boundaryQuery, chunkKeyIndexes, chunkRows, keysetQueries, maxKeyQuery, mysqlFlavor, planRanges, postgresFlavor, rangeQuery, trimBoundaries,
} from '../../../snapshot/chunk-planner.js';
import { compileTableFilters } from '../../../snapshot/filters.js';
import { assembleTable, chooseChunkKey, type IndexInfo } from '../../../snapshot/table-info.js';
import type { ColumnInfo, TableInfo } from '../../../snapshot/types.js';

function column(name: string, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    name, ordinal: 1, nativeType: 'int', columnType: 'int', nullable: false, length: null, precision: null, scale: null,
    datetimePrecision: null, unsigned: false, enumValues: null, charset: null, defaultValue: null, autoIncrement: false,
    typeOid: null, comment: null, ...extra,
  };
}

function table(chunkKey: string[], columns = ['a', 'b', 'v'], extra: Partial<TableInfo> = {}): TableInfo {
  return {
    id: { schema: 'db', table: 't' }, name: 'db.t', columns: columns.map((c) => column(c)), primaryKey: chunkKey, keyColumns: chunkKey,
    chunkKey, extraKeyColumns: [], estimatedRows: 0, avgRowBytes: 0, ...extra,
  };
}

describe('snapshot chunk planner', () => {
  it('keeps chunks within the byte budget but never below 100 rows', () => {
    assert.equal(chunkRows(10_000, 0, 64 << 20), 10_000);
    assert.equal(chunkRows(10_000, 100, 64 << 20), 10_000);
    assert.equal(chunkRows(10_000, 1 << 20, 64 << 20), 100, '1 MiB rows: the floor');
    assert.equal(chunkRows(10_000, 16 << 10, 64 << 20), 4096);
    assert.equal(chunkRows(50, 1 << 20, 1 << 20), 50, 'a fetch size below the floor is kept');
  });

  it('builds keyset queries with one row of look-ahead and a single-column predicate', () => {
    const q = keysetQueries(mysqlFlavor, table(['a']), 1001);
    assert.equal(q.first.sql, 'SELECT `a`, `b`, `v` FROM `db`.`t` ORDER BY `a` LIMIT 1001');
    assert.equal(q.next.sql, 'SELECT `a`, `b`, `v` FROM `db`.`t` WHERE `a` > ? ORDER BY `a` LIMIT 1001');
    assert.deepEqual(bindKeyParams(q.next, [7], null), [7]);
  });

  it('expands a composite key comparison for MySQL/MariaDB so the index range is used', () => {
    const q = keysetQueries(mysqlFlavor, table(['a', 'b', 'v']), 11);
    assert.equal(
      q.next.sql,
      'SELECT `a`, `b`, `v` FROM `db`.`t` WHERE (`a` >= ? AND ((`a` > ?) OR (`a` = ? AND `b` > ?) OR (`a` = ? AND `b` = ? AND `v` > ?))) ORDER BY `a`, `b`, `v` LIMIT 11',
    );
    assert.deepEqual(bindKeyParams(q.next, [1, 'x', 9], null), [1, 1, 1, 'x', 1, 'x', 9]);
  });

  it('uses a typed row comparison for PostgreSQL', () => {
    const t = table(['a', 'b']);
    t.columns[1] = column('b', { columnType: 'character varying(10)' });
    const q = keysetQueries(postgresFlavor, t, 11);
    assert.equal(q.next.sql, 'SELECT "a", "b", "v" FROM "db"."t" WHERE ("a", "b") > ($1::int, $2::character varying(10)) ORDER BY "a", "b" LIMIT 11');
    assert.deepEqual(bindKeyParams(q.next, ['1', 'x'], null), ['1', 'x']);
  });

  it('casts DECIMAL key parameters for MySQL so they are not compared as doubles', () => {
    const t = table(['d'], ['d']);
    t.columns[0] = column('d', { nativeType: 'decimal', precision: 30, scale: 5 });
    assert.match(keysetQueries(mysqlFlavor, t, 5).next.sql, /`d` > CAST\(\? AS DECIMAL\(30,5\)\)/);
  });

  it('quotes identifiers', () => {
    const t = table(['we`ird'], ['we`ird']);
    t.id = { schema: 'd"b', table: 'x' };
    assert.match(keysetQueries(mysqlFlavor, t, 2).first.sql, /`we``ird`/);
    assert.match(keysetQueries(postgresFlavor, t, 2).first.sql, /"d""b"\."x"/);
  });

  it('builds range queries binding lower then upper bounds', () => {
    const t = table(['a', 'b']);
    const both = rangeQuery(mysqlFlavor, t, true, true);
    assert.match(both.sql, /WHERE \(`a` >= \? .*\) AND \(`a` <= \? AND \(\(`a` < \?\) OR \(`a` = \? AND `b` <= \?\)\)\) ORDER BY `a`, `b`$/);
    assert.deepEqual(bindKeyParams(both, [1, 'l'], [5, 'u']), [1, 1, 1, 'l', 5, 5, 5, 'u']);
    const upperOnly = rangeQuery(postgresFlavor, t, false, true);
    assert.match(upperOnly.sql, /WHERE \("a", "b"\) <= \(\$1::int, \$2::int\) ORDER BY/);
    assert.deepEqual(bindKeyParams(upperOnly, null, [5, 'u']), [5, 'u']);
    assert.throws(() => bindKeyParams(both, null, [5, 'u']), /lower key/);
    assert.doesNotMatch(rangeQuery(postgresFlavor, t, false, false).sql, /WHERE/);
    // Ad-hoc snapshot chunks: the user's filter joins the key bounds, and the read is limited.
    const filtered = rangeQuery(postgresFlavor, t, true, true, { condition: 'v > 3 OR v < 0', limit: 200 });
    assert.match(filtered.sql, /WHERE \("a", "b"\) > \(\$1::int, \$2::int\) AND \("a", "b"\) <= \(\$3::int, \$4::int\) AND \(v > 3 OR v < 0\) ORDER BY "a", "b" LIMIT 200$/);
    assert.match(maxKeyQuery(mysqlFlavor, t, 'v > 3'), /WHERE \(v > 3\) ORDER BY `a` DESC, `b` DESC LIMIT 1$/);
  });

  it('plans contiguous ranges from boundaries and never ends on an empty range', () => {
    assert.deepEqual(planRanges(null, [[10], [20]]), [
      { lower: null, upper: [10] },
      { lower: [10], upper: [20] },
      { lower: [20], upper: null },
    ]);
    assert.deepEqual(planRanges([5], []), [{ lower: [5], upper: null }]);
    assert.deepEqual(trimBoundaries([['10'], ['20']], ['20']), [['10']], 'a boundary at the greatest key would leave the last range empty');
    assert.deepEqual(trimBoundaries([['10'], ['20']], ['25']), [['10'], ['20']]);
    assert.deepEqual(trimBoundaries([[Buffer.from('a')]], [Buffer.from('a')]), []);
    assert.deepEqual(trimBoundaries([], undefined), []);
    assert.match(boundaryQuery(postgresFlavor, table(['a']), 500, true).sql, /row_number\(\) OVER \(ORDER BY "a"\).*WHERE "a" > \$1::int.*cdc_rn % 500 = 0/);
  });

  it('finds chunk-key values in selected rows, including key columns the filters left out', () => {
    const t = table(['id'], ['name', 'v'], { extraKeyColumns: [column('id')] });
    assert.deepEqual(chunkKeyIndexes(t), [2]);
    assert.match(keysetQueries(mysqlFlavor, t, 3).first.sql, /^SELECT `name`, `v`, `id` FROM/);
  });
});

describe('snapshot chunk key choice', () => {
  const cols = [column('id'), column('code'), column('maybe', { nullable: true }), column('b')];
  const idx = (name: string, columns: string[], extra: Partial<IndexInfo> = {}): IndexInfo => ({ name, primary: false, columns, usable: true, ...extra });

  it('prefers the primary key', () => {
    assert.deepEqual(chooseChunkKey(cols, [idx('uq', ['code']), idx('PRIMARY', ['id', 'b'], { primary: true })], []), ['id', 'b']);
  });

  it('falls back to a usable unique index over NOT NULL columns, the message key first, then the narrowest', () => {
    assert.deepEqual(chooseChunkKey(cols, [idx('uq_maybe', ['maybe'])], []), [], 'nullable columns may repeat NULLs');
    assert.deepEqual(chooseChunkKey(cols, [idx('uq_prefix', ['code'], { usable: false })], []), []);
    assert.deepEqual(chooseChunkKey(cols, [idx('uq_wide', ['code', 'b']), idx('uq_code', ['code'])], []), ['code']);
    assert.deepEqual(chooseChunkKey(cols, [idx('uq_wide', ['code', 'b']), idx('uq_code', ['code'])], ['b', 'code']), ['code', 'b']);
  });

  it('applies column filters and message.key.columns when assembling a table', () => {
    const filters = compileTableFilters({ columnExclude: ['db\\.t\\.id'], messageKeyColumns: 'db.t:code' });
    const t = assembleTable({
      schema: 'db', table: 't', allColumns: cols, uniqueIndexes: [idx('PRIMARY', ['id'], { primary: true })], filters, estimatedRows: -1, avgRowBytes: 12.4,
    });
    assert.deepEqual(t.columns.map((c) => c.name), ['code', 'maybe', 'b']);
    assert.deepEqual(t.keyColumns, ['code']);
    assert.deepEqual(t.primaryKey, ['id']);
    assert.deepEqual(t.chunkKey, ['id']);
    assert.deepEqual(t.extraKeyColumns.map((c) => c.name), ['id']);
    assert.equal(t.estimatedRows, 0);
    assert.equal(t.avgRowBytes, 12);
  });
});
