import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigDef } from '../../../../src/connect-api/config-def.js';
import { atLeast, between, describeConfigKeys, mergeConfigDefs, parseConfig, validateConfigInfos } from '../../../../src/connect-api/index.js';

const def: ConfigDef = {
  keys: [
    { name: 'host', type: 'STRING', documentation: 'host', group: 'Connection', orderInGroup: 1, importance: 'HIGH' },
    { name: 'port', type: 'INT', default: 3306, documentation: 'port', group: 'Connection', orderInGroup: 2, validate: between(1, 65535) },
    { name: 'password', type: 'PASSWORD', default: null, documentation: 'pw', group: 'Connection', orderInGroup: 3 },
    { name: 'enabled', type: 'BOOLEAN', default: false, documentation: 'flag' },
    { name: 'short', type: 'SHORT', default: 1, documentation: 'short' },
    { name: 'long', type: 'LONG', default: 0, documentation: 'long' },
    { name: 'ratio', type: 'DOUBLE', default: 0.5, documentation: 'ratio' },
    { name: 'tables', type: 'LIST', default: [], documentation: 'tables', group: 'Filters' },
    { name: 'cls', type: 'CLASS', default: null, documentation: 'class' },
    { name: 'snapshot.mode', type: 'STRING', default: 'initial', allowed: ['initial', 'no_data', 'never'], valueAliases: { schema_only: 'no_data' },
      documentation: 'mode', group: 'Snapshot' },
    { name: 'ops', type: 'LIST', default: ['c', 'u'], allowed: ['c', 'u', 'd'], documentation: 'ops' },
    { name: 'legacy', type: 'STRING', default: null, ignoredBecause: 'we always do X', documentation: 'legacy' },
  ],
  passthroughPrefixes: ['driver.'],
};

test('parses each type, trims, and applies defaults for absent keys', () => {
  const { settings, errors } = parseConfig(def, {
    host: '  db  ', port: ' 3307 ', enabled: 'TRUE', short: '-32768', long: '9007199254740991', ratio: '1e-3',
    tables: ' a , b,c ', cls: ' com.example.X ', password: ' s3cret ',
  });
  assert.deepEqual(errors, {});
  assert.deepEqual(settings, {
    host: 'db', port: 3307, password: 's3cret', enabled: true, short: -32768, long: 9007199254740991, ratio: 0.001,
    tables: ['a', 'b', 'c'], cls: 'com.example.X', 'snapshot.mode': 'initial', ops: ['c', 'u'], legacy: null,
  });
});

test('default lists are copied, so a caller mutating settings cannot change the def', () => {
  const a = parseConfig(def, { host: 'h' }).settings['ops'] as string[];
  a.push('d');
  assert.deepEqual(parseConfig(def, { host: 'h' }).settings['ops'], ['c', 'u']);
});

test('an empty LIST value is an empty list; booleans are case-insensitive', () => {
  const { settings, errors } = parseConfig(def, { host: 'h', tables: '   ', enabled: 'fAlSe' });
  assert.deepEqual(errors, {});
  assert.deepEqual(settings['tables'], []);
  assert.equal(settings['enabled'], false);
});

test('bad values are reported per key in Connect wording', () => {
  const { errors, settings } = parseConfig(def, {
    host: 'h', port: 'abc', enabled: 'yes', short: '40000', long: '1.5', ratio: 'x', 
  });
  assert.deepEqual(errors['port'], ['Invalid value abc for configuration port: Not a number of type INT']);
  assert.deepEqual(errors['enabled'], ['Invalid value yes for configuration enabled: Expected value to be either true or false']);
  assert.deepEqual(errors['short'], ['Invalid value 40000 for configuration short: Not a number of type SHORT']);
  assert.deepEqual(errors['long'], ['Invalid value 1.5 for configuration long: Not a number of type LONG']);
  assert.deepEqual(errors['ratio'], ['Invalid value x for configuration ratio: Not a number of type DOUBLE']);
  assert.equal(settings['port'], null);
});

test('INT range is 32-bit; LONG beyond 2^53 is refused rather than rounded', () => {
  assert.deepEqual(parseConfig(def, { host: 'h', port: '2147483648' }).errors['port'], [
    'Invalid value 2147483648 for configuration port: Not a number of type INT',
  ]);
  const { errors } = parseConfig(def, { host: 'h', long: '9223372036854775807' });
  assert.match(errors['long']![0]!, /^Invalid value 9223372036854775807 for configuration long: Not a number of type LONG/);
  assert.deepEqual(parseConfig(def, { host: 'h', port: '+42' }).settings['port'], 42);
  assert.ok(parseConfig(def, { host: 'h', port: '0x10' }).errors['port']);
  assert.ok(parseConfig(def, { host: 'h', port: '' }).errors['port']);
});

test('a missing required key is reported as Connect says it', () => {
  const { errors } = parseConfig(def, {});
  assert.deepEqual(errors['host'], ['Missing required configuration "host" which has no default value.']);
});

test('allowed values match case-insensitively and normalise to the canonical spelling; aliases map too', () => {
  assert.equal(parseConfig(def, { host: 'h', 'snapshot.mode': 'NEVER' }).settings['snapshot.mode'], 'never');
  assert.equal(parseConfig(def, { host: 'h', 'snapshot.mode': 'Schema_Only' }).settings['snapshot.mode'], 'no_data');
  assert.deepEqual(parseConfig(def, { host: 'h', ops: 'C,D' }).settings['ops'], ['c', 'd']);
  const { errors } = parseConfig(def, { host: 'h', 'snapshot.mode': 'sometimes', ops: 'c,x' });
  assert.deepEqual(errors['snapshot.mode'], [
    'Invalid value sometimes for configuration snapshot.mode: String must be one of (case insensitive): initial, no_data, never',
  ]);
  assert.deepEqual(errors['ops'], ['Invalid value c,x for configuration ops: String must be one of (case insensitive): c, u, d']);
});

test('validate hooks run on parsed values, see other keys, and are prefixed Connect-style', () => {
  const withHook: ConfigDef = {
    keys: [
      { name: 'min', type: 'INT', default: 1, documentation: '', validate: atLeast(0) },
      { name: 'max', type: 'INT', default: 10, documentation: '', validate: (v, all) => ((v as number) < (all['min'] as number) ? 'must not be below min' : undefined) },
    ],
  };
  assert.deepEqual(parseConfig(withHook, { min: '-1' }).errors, { min: ['Invalid value -1 for configuration min: Value must be at least 0'] });
  assert.deepEqual(parseConfig(withHook, { min: '5', max: '3' }).errors, { max: ['Invalid value 3 for configuration max: must not be below min'] });
  assert.deepEqual(parseConfig(withHook, { min: '50' }).errors, { max: ['Invalid value 10 for configuration max: must not be below min'] });
  assert.deepEqual(parseConfig(def, { host: 'h', port: '0' }).errors['port'], ['Invalid value 0 for configuration port: Value must be at least 1']);
});

test('hooks do not run on a value that already failed to parse', () => {
  let calls = 0;
  const d: ConfigDef = { keys: [{ name: 'n', type: 'INT', documentation: '', validate: () => { calls++; return 'never'; } }] };
  assert.equal(parseConfig(d, { n: 'x' }).errors['n']!.length, 1);
  assert.equal(calls, 0);
});

test('unknown keys are accepted as Connect does, and warned about with a spelling suggestion; pass-through prefixes are silent', () => {
  const { errors, warnings } = parseConfig(def, { host: 'h', 'snapshot.mdoe': 'never', 'driver.useSSL': 'true', 'totally.else': 'x' });
  assert.deepEqual(errors, {});
  assert.equal(warnings['snapshot.mdoe'], 'Not a configuration key of this connector, so it has no effect; did you mean "snapshot.mode"?');
  assert.equal(warnings['totally.else'], 'Not a configuration key of this connector, so it has no effect');
  assert.equal(warnings['driver.useSSL'], undefined);
});

test('a key with ignoredBecause is accepted and listed as a warning, never as an error', () => {
  const { errors, warnings } = parseConfig(def, { host: 'h', legacy: 'anything' });
  assert.deepEqual(errors, {});
  assert.deepEqual(warnings, { legacy: 'we always do X' });
  assert.deepEqual(parseConfig(def, { host: 'h' }).warnings, {});
});

test('password values are never echoed in error messages', () => {
  const d: ConfigDef = { keys: [{ name: 'pw', type: 'PASSWORD', documentation: '', validate: () => 'too short' }] };
  const { errors } = parseConfig(d, { pw: 'hunter2' });
  assert.deepEqual(errors['pw'], ['Invalid value [hidden] for configuration pw: too short']);
});

test('numbers and booleans from a JSON body are taken as their string form', () => {
  const { settings, errors } = parseConfig(def, { host: 'h', port: 1234, enabled: true } as unknown as Record<string, string>);
  assert.deepEqual(errors, {});
  assert.equal(settings['port'], 1234);
  assert.equal(settings['enabled'], true);
});

test('validateConfigInfos answers in Connect\'s shape', () => {
  const infos = validateConfigInfos('com.example.MyConnector', def, { host: 'h', password: 'secret!', port: 'x', 'unrelated.thing': 'v', tables: 'a,b' });
  assert.equal(infos.name, 'com.example.MyConnector');
  assert.deepEqual(infos.groups, ['Connection', 'Filters', 'Snapshot']);
  assert.equal(infos.error_count, 1);
  // Keys without a definition come first: an unknown one is reported, with no error.
  assert.equal(infos.configs[0]!.value.name, 'unrelated.thing');
  assert.deepEqual(infos.configs[0]!.value.errors, []);
  assert.match(infos.configs[0]!.definition.documentation ?? '', /Not a configuration key of this connector/);
  const byName = Object.fromEntries(infos.configs.map((c) => [c.value.name, c]));
  assert.deepEqual(byName['host']!.definition, {
    name: 'host', type: 'STRING', required: true, default_value: null, importance: 'HIGH', documentation: 'host', group: 'Connection',
    width: 'NONE', display_name: 'host', dependents: [], order: 1,
  });
  assert.equal(byName['password']!.value.value, '[hidden]');
  assert.equal(byName['port']!.value.value, null);
  assert.equal(byName['port']!.definition.default_value, '3306');
  assert.equal(byName['tables']!.value.value, 'a,b');
  assert.equal(byName['tables']!.definition.default_value, '');
  assert.equal(byName['enabled']!.value.value, 'false');
  assert.equal(byName['ratio']!.definition.order, -1);
  assert.deepEqual(byName['snapshot.mode']!.value.recommended_values, ['initial', 'no_data', 'never']);
  assert.equal(byName['snapshot.mode']!.value.value, 'initial');
  assert.match(byName['legacy']!.definition.documentation, /Has no effect here: we always do X/);
  assert.ok(!JSON.stringify(infos).includes('secret!'));
});

test('validateConfigInfos adds the plugin\'s own errors, also for keys it does not define', () => {
  const infos = validateConfigInfos('X', def, { host: 'h' }, { host: ['cannot connect'], 'database.server.id': ['clashes'] });
  assert.equal(infos.error_count, 2);
  const byName = Object.fromEntries(infos.configs.map((c) => [c.value.name, c]));
  assert.deepEqual(byName['host']!.value.errors, ['cannot connect']);
  assert.deepEqual(byName['database.server.id']!.value.errors, ['clashes']);
});

test('an unknown key that looks secret is masked in the validate response', () => {
  const infos = validateConfigInfos('X', def, { host: 'h', 'database.pasword': 'topsecret' });
  assert.ok(!JSON.stringify(infos).includes('topsecret'));
  assert.equal(infos.configs[0]!.value.value, '[hidden]');
});

test('a valid config has error_count 0', () => {
  assert.equal(validateConfigInfos('X', def, { host: 'h', legacy: 'x' }).error_count, 0);
});

test('mergeConfigDefs keeps first positions, lets later definitions win and unions prefixes', () => {
  const a: ConfigDef = { keys: [{ name: 'x', type: 'INT', default: 1, documentation: 'a' }, { name: 'y', type: 'INT', default: 1, documentation: 'a' }], passthroughPrefixes: ['p.'] };
  const b: ConfigDef = { keys: [{ name: 'x', type: 'INT', default: 2, documentation: 'b' }, { name: 'z', type: 'INT', default: 1, documentation: 'b' }], passthroughPrefixes: ['q.', 'p.'] };
  const m = mergeConfigDefs(a, b);
  assert.deepEqual(m.keys.map((k) => `${k.name}=${k.default}`), ['x=2', 'y=1', 'z=1']);
  assert.deepEqual(m.passthroughPrefixes, ['p.', 'q.']);
  assert.equal(describeConfigKeys(m).length, 3);
});
