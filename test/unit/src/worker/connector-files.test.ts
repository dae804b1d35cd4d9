import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../../src/errors/index.js';
import { parseConnectorFile, readConnectorFiles } from '../../../../src/worker/connector-files.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-connector-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function refused(fn: () => unknown, key: string | undefined, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.key, key);
    assert.match(err.message, pattern);
    return true;
  });
}

test('a .properties file: its name key names the connector', () => {
  const c = parseConnectorFile('inv.properties', '# inventory\nname=inv\nconnector.class=io.debezium.connector.mysql.MySqlConnector\ntasks.max=1\n');
  assert.deepEqual(c, { file: 'inv.properties', name: 'inv', config: { name: 'inv', 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'tasks.max': '1' } });
});

test('JSON as POST /connectors takes it, with initial_state; scalars become strings', () => {
  const c = parseConnectorFile('a.json', '{"name":"a","config":{"connector.class":"X","tasks.max":1,"snapshot.locking.mode":"none","include.schema.changes":false},"initial_state":"paused"}');
  assert.deepEqual(c, { file: 'a.json', name: 'a', initialState: 'PAUSED', config: { 'connector.class': 'X', 'tasks.max': '1', 'snapshot.locking.mode': 'none', 'include.schema.changes': 'false', name: 'a' } });
});

test('a flat JSON map', () => {
  assert.deepEqual(parseConnectorFile('b.json', ' {"name":"b","connector.class":"X"}').config, { name: 'b', 'connector.class': 'X' });
});

test('no name, a name conflict, a bad value, bad JSON, a bad initial_state are refused naming the file', () => {
  refused(() => parseConnectorFile('x.properties', 'connector.class=X\n'), 'name', /x\.properties.*no name/);
  refused(() => parseConnectorFile('x.json', '{"config":{"connector.class":"X"}}'), 'name', /x\.json.*no name/);
  refused(() => parseConnectorFile('x.json', '{"name":"a","config":{"name":"b"}}'), 'name', /differ/);
  refused(() => parseConnectorFile('x.json', '{"name":"a","config":{"tasks.max":{"n":1}}}'), 'tasks.max', /tasks\.max must be a string/);
  refused(() => parseConnectorFile('x.json', '{"name":"a",'), undefined, /x\.json: not valid JSON/);
  refused(() => parseConnectorFile('x.json', '{"name":"a","config":{},"initial_state":"GONE"}'), 'initial_state', /initial_state/);
});

test('readConnectorFiles: a missing file and two connectors of one name are refused', () => {
  const one = join(dir, 'one.properties');
  const two = join(dir, 'two.json');
  writeFileSync(one, 'name=same\nconnector.class=X\n');
  writeFileSync(two, '{"name":"same","config":{"connector.class":"Y"}}');
  refused(() => readConnectorFiles([one, two]), 'name', /two\.json: connector same is also defined in .*one\.properties/);
  refused(() => readConnectorFiles([join(dir, 'missing.properties')]), undefined, /missing\.properties: cannot be read \(ENOENT\)/);
  assert.equal(readConnectorFiles([one]).length, 1);
});
