import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CdcError, type ErrorCode } from '../../../src/errors/index.js';
import { translateDriverError } from '../../../snapshot/errors.js';

function driverError(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe('snapshot driver error translation', () => {
  const cases: Array<[string, string, ErrorCode, boolean]> = [
    ['ER_ACCESS_DENIED_ERROR', "Access denied for user 'u'@'h' (using password: YES)", 'SOURCE_ACCESS_DENIED', false],
    ['ER_TABLEACCESS_DENIED_ERROR', 'SELECT command denied', 'SOURCE_ACCESS_DENIED', false],
    ['ER_SPECIFIC_ACCESS_DENIED_ERROR', 'need BINLOG MONITOR', 'SOURCE_ACCESS_DENIED', false],
    ['ECONNREFUSED', 'connect ECONNREFUSED', 'SOURCE_UNREACHABLE', true],
    ['PROTOCOL_CONNECTION_LOST', 'Connection lost', 'SOURCE_UNREACHABLE', true],
    ['ER_TABLE_DEF_CHANGED', 'Table definition has changed, please retry transaction', 'SOURCE_TRANSIENT', true],
    ['ER_NO_SUCH_TABLE', "Table 'a.b' doesn't exist", 'SNAPSHOT_TABLE_GONE', false],
    ['28P01', 'password authentication failed', 'SOURCE_ACCESS_DENIED', false],
    ['42501', 'permission denied for table t', 'SOURCE_ACCESS_DENIED', false],
    ['3D000', 'database "x" does not exist', 'SOURCE_DATABASE_UNKNOWN', false],
    ['57P01', 'terminating connection due to administrator command', 'SOURCE_TRANSIENT', true],
    ['08006', 'connection failure', 'SOURCE_TRANSIENT', true],
    ['22023', 'invalid snapshot identifier: "00000003-1"', 'SNAPSHOT_EXPORT_GONE', false],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND nohost', 'SOURCE_HOST_UNKNOWN', false],
    ['XX000', 'internal error', 'SNAPSHOT_FAILED', false],
  ];
  for (const [driverCode, message, code, retriable] of cases) {
    it(`${driverCode} → ${code}${retriable ? ' (retriable)' : ''}`, () => {
      const e = translateDriverError(driverError(driverCode, message), 'reading table a.b');
      assert.equal(e.code, code);
      assert.equal(e.retriable, retriable);
      assert.match(e.message, /^reading table a\.b failed: /);
      if (!retriable) assert.ok(e.fix, 'a non-retriable error says how to fix it');
    });
  }

  it("recognises pg's message for a connection that ended, and keeps errors that are already translated", () => {
    assert.equal(translateDriverError(new Error('Connection terminated unexpectedly'), 'x').code, 'SOURCE_UNREACHABLE');
    assert.equal(translateDriverError(new Error('Client has encountered a connection error and is not queryable'), 'x').code, 'SOURCE_UNREACHABLE');
    assert.equal(translateDriverError(new Error("Can't add new command when connection is in closed state"), 'x').code, 'SOURCE_UNREACHABLE');
    const own = new CdcError('CONFIG_INVALID', 'y');
    assert.equal(translateDriverError(own, 'z'), own);
  });
});
