/** The pure parts of PATCH /offsets validation: MariaDB GTID purge check and PostgreSQL slot bounds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mariaDbGtidsByDomain, purgedMariaDbDomains } from '../../../../src/connectors/mysql/offset-validation.js';
import { offsetProblems } from '../../../../src/connectors/postgres/offset-validation.js';

describe('MariaDB GTID positions against the oldest binlog', () => {
  it('reads the highest sequence per domain', () => {
    assert.deepEqual([...mariaDbGtidsByDomain('0-1-5, 1-2-9,0-3-7')], [['0', 7n], ['1', 9n]]);
    assert.throws(() => mariaDbGtidsByDomain('3E11FA47-71CA:1-5'), /not a MariaDB GTID/);
  });
  it('a domain behind the oldest binlog state is purged; equal, ahead or unknown domains are not', () => {
    assert.deepEqual(purgedMariaDbDomains('0-1-100', '0-1-100'), []);
    assert.deepEqual(purgedMariaDbDomains('0-1-150,5-1-1', '0-1-100'), []);
    assert.deepEqual(purgedMariaDbDomains('0-1-99,1-1-3', '0-1-100,1-1-2'), ['domain 0 at sequence 99, but the oldest binlog starts after 100']);
    assert.deepEqual(purgedMariaDbDomains('0-1-1', ''), []);
  });
});

describe('PostgreSQL LSNs against the replication slot', () => {
  const bounds = { slot: 's1', confirmedFlush: 0x1000n, currentWalEnd: 0x5000n };
  it('accepts the slot position and anything up to the WAL end', () => {
    assert.deepEqual(offsetProblems({ lsn: 0x1000, lsn_proc: 0x1000 }, bounds), []);
    assert.deepEqual(offsetProblems({ lsn: 0x5000 }, bounds), []);
  });
  it('refuses positions before the slot, beyond the WAL end, without a slot, or without an lsn', () => {
    assert.match(offsetProblems({ lsn: 0x2000, lsn_proc: 0xfff }, bounds)[0]!, /LSN 0\/FFF is before the replication slot "s1" position 0\/1000/);
    assert.match(offsetProblems({ lsn: 0x5001 }, bounds)[0]!, /beyond the server's current WAL end 0\/5000/);
    assert.match(offsetProblems({ lsn: 0x2000 }, { ...bounds, confirmedFlush: null })[0]!, /replication slot "s1" does not exist/);
    assert.match(offsetProblems({ position: 3 }, bounds)[0]!, /no usable "lsn"/);
  });
  it('snapshot.mode=initial_only has no slot to check against', () => {
    assert.deepEqual(offsetProblems({ lsn: 1 }, null), []);
  });
});
