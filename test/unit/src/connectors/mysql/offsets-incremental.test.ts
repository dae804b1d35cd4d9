/** The incremental snapshot context inside MySQL source offsets: Debezium's key names, round trip. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeOffset, encodeOffset, type MySqlOffset } from '../../../../../src/connectors/mysql/index.js';

const streaming: MySqlOffset = {
  position: { file: 'mariadb-bin.000007', pos: 1234, gtids: '0-1-99', event: 2, row: 17 },
  tsSec: 1_700_000_000, serverId: 1, snapshot: null, snapshotCompleted: true, tablePositions: null,
};

describe('MySQL offsets with an incremental snapshot', () => {
  it('carries the context under incremental_snapshot_* keys and reads it back, also through JSON', () => {
    const incremental = {
      incremental_snapshot_collections: '[{"table":"inventory.customers","condition":null}]',
      incremental_snapshot_primary_key: '[1024]',
      incremental_snapshot_maximum_key: '[5000]',
      incremental_snapshot_id: 'snap-1',
    };
    const o: MySqlOffset = { ...streaming, incremental };
    const encoded = encodeOffset(o);
    assert.equal(encoded.incremental_snapshot_primary_key, '[1024]');
    assert.equal(encoded.file, 'mariadb-bin.000007');
    assert.deepEqual(decodeOffset(JSON.parse(JSON.stringify(encoded))), o);
  });

  it('a streaming offset without one has none of the keys', () => {
    const encoded = encodeOffset({ ...streaming, incremental: {} });
    assert.equal(Object.keys(encoded).some((k) => k.startsWith('incremental_')), false);
    assert.equal('incremental' in decodeOffset(encoded), false);
  });
});
