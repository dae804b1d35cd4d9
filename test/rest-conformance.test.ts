/**
 * Every REST endpoint over HTTP against a worker on the real Kafka: happy paths, Connect's status codes and
 * its error body `{"error_code": N, "message": "..."}`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Herder } from '../src/herder/index.js';
import { createRestServer } from '../src/rest/index.js';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api,
  cleanupWorkerTopics,
  closeTestKafka,
  counterConfig,
  counterValues,
  isRunning,
  memoryLogger,
  newWorkerSettings,
  readTopic,
  startInProcessWorker,
  waitForStatus,
  type InProcessWorker,
  type WorkerSettings,
} from './harness/worker.js';

describe('REST API conformance', () => {
  let settings: WorkerSettings;
  let w: InProcessWorker;
  let http: ReturnType<typeof api>;
  const topics: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'rest-conformance-'));

  function newTopic(prefix: string): string {
    const t = uniqueName(prefix);
    topics.push(t);
    return t;
  }

  async function create(name: string, config: Record<string, string>, initialState?: string) {
    const r = await http.post('/connectors', { name, config, ...(initialState ? { initial_state: initialState } : {}) });
    assert.equal(r.status, 201, r.text);
    return r;
  }

  before(async () => {
    settings = newWorkerSettings('rest_conf');
    w = await startInProcessWorker(settings);
    http = api(w.url);
  });

  after(async () => {
    await w?.stop();
    await cleanupWorkerTopics(settings, topics);
    await closeTestKafka();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('GET / and GET /health describe the worker', async () => {
    const root = await http.get('/');
    assert.equal(root.status, 200);
    assert.deepEqual(Object.keys(root.body).sort(), ['commit', 'kafka_cluster_id', 'version']);
    assert.match(root.body.version, /^\d+\.\d+\.\d+/);
    // The KRaft cluster id: 22 characters of URL-safe base64, as Connect reports it.
    assert.match(root.body.kafka_cluster_id, /^[A-Za-z0-9_-]{22}$/);
    const health = await http.get('/health');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' });
  });

  it('while the worker starts, /health says so (503) and other requests wait for it', async () => {
    let ready!: () => void;
    const whenReady = new Promise<void>((resolve) => (ready = resolve));
    const herder = { connectors: () => ['x'] } as unknown as Herder;
    const server = createRestServer({ herder, logger: memoryLogger().logger, info: () => ({ version: '0', commit: 'c', kafka_cluster_id: null }), whenReady, requestTimeoutMs: 200 });
    const url = await server.listen('127.0.0.1', 0);
    try {
      const starting = await api(url).get('/health');
      assert.equal(starting.status, 503);
      assert.deepEqual(starting.body, { status: 'starting', message: 'Worker is still starting up.' });
      assert.deepEqual((await api(url).get('/connectors')).body, { error_code: 500, message: 'Request timed out' });
      const waiting = api(url).get('/connectors');
      ready();
      assert.deepEqual((await waiting).body, ['x'], 'a request made during startup is answered once started');
      assert.equal((await api(url).get('/health')).status, 200);
    } finally {
      await server.close();
    }
  });

  it('lists connector plugins and their config definitions', async () => {
    const list = await http.get('/connector-plugins');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.find((p: any) => p.class === 'test.CounterSource'), { class: 'test.CounterSource', type: 'source', version: '0.0.1-test' });
    assert.ok(list.body.every((p: any) => p.type === 'source' || p.type === 'sink'), 'connectorsOnly defaults to true');

    const all = await http.get('/connector-plugins?connectorsOnly=false');
    assert.ok(all.body.some((p: any) => p.class === 'org.apache.kafka.connect.json.JsonConverter' && p.type === 'converter'));
    assert.ok(all.body.some((p: any) => p.class === 'org.apache.kafka.connect.transforms.RegexRouter' && p.type === 'transformation'));
    assert.ok(all.body.some((p: any) => p.class === 'io.debezium.transforms.ExtractNewRecordState' && p.type === 'transformation'));
    assert.ok(all.body.some((p: any) => p.class === 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches' && p.type === 'predicate'));
    const router = await http.get('/connector-plugins/org.apache.kafka.connect.transforms.RegexRouter/config');
    assert.equal(router.status, 200);
    assert.deepEqual(router.body.map((k: any) => k.name).sort(), ['regex', 'replacement']);
    assert.ok(all.body.some((p: any) => p.class === 'io.confluent.connect.avro.AvroConverter' && p.type === 'converter'));

    const def = await http.get('/connector-plugins/CounterSource/config');
    assert.equal(def.status, 200);
    const topic = def.body.find((k: any) => k.name === 'topic');
    assert.deepEqual(
      Object.keys(topic).sort(),
      ['default_value', 'dependents', 'display_name', 'documentation', 'group', 'importance', 'name', 'order', 'required', 'type', 'width'],
    );
    assert.equal(topic.required, true);
    assert.equal(def.body.find((k: any) => k.name === 'secret').type, 'PASSWORD');
    assert.ok(def.body.some((k: any) => k.name === 'tasks.max'), 'framework keys follow the plugin keys');

    const unknown = await http.get('/connector-plugins/no.such.Plugin/config');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error_code: 404, message: 'Unknown plugin no.such.Plugin.' });
  });

  it('validates transforms: each alias\'s keys in their group, an unknown class on its type key', async () => {
    const config = {
      ...counterConfig('t'), name: 'v', transforms: 'route,bad', 'transforms.route.type': 'RegexRouter', 'transforms.route.regex': '(.*)',
      'transforms.route.replacement': 'x_$1', 'transforms.bad.type': 'com.example.NoSuchTransform',
    };
    const res = await http.put('/connector-plugins/test.CounterSource/config/validate', config);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.error_count, 1);
    assert.ok(res.body.groups.includes('Transforms: route'));
    const byName = (n: string) => res.body.configs.find((c: any) => c.definition.name === n);
    assert.equal(byName('transforms.route.regex').value.value, '(.*)');
    assert.deepEqual(byName('transforms.route.regex').value.errors, []);
    assert.deepEqual(byName('transforms.bad.type').value.errors,
      ['Invalid value com.example.NoSuchTransform for configuration transforms.bad.type: Class com.example.NoSuchTransform could not be found.']);
    const badName = uniqueName('badsmt');
    const created = await http.post('/connectors', { name: badName, config: { ...config, name: badName } });
    assert.equal(created.status, 400);
    assert.match(created.body.message, /transforms.bad.type/);
  });

  it('validates a config in Connect\'s ConfigInfos shape', async () => {
    const ok = await http.put('/connector-plugins/test.CounterSource/config/validate', { ...counterConfig('t'), name: 'v' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.name, 'test.CounterSource');
    assert.equal(ok.body.error_count, 0);
    assert.ok(Array.isArray(ok.body.groups) && ok.body.groups.includes('Counter'));

    const missing = await http.put('/connector-plugins/CounterSource/config/validate', { 'connector.class': 'CounterSource', name: 'v', secret: 'x' });
    assert.equal(missing.status, 200);
    assert.equal(missing.body.error_count, 1);
    const topic = missing.body.configs.find((c: any) => c.value.name === 'topic');
    assert.deepEqual(topic.value.errors, ['Missing required configuration "topic" which has no default value.']);
    assert.equal(missing.body.configs.find((c: any) => c.value.name === 'secret').value.value, '[hidden]');

    // An unknown key (a misspelling here) is accepted as Connect accepts it, and reported with no error.
    const unknown = await http.put('/connector-plugins/test.CounterSource/config/validate', { ...counterConfig('t'), name: 'v', 'batch.sise': '3' });
    assert.equal(unknown.body.error_count, 0);
    const sise = unknown.body.configs.find((c: any) => c.value.name === 'batch.sise');
    assert.deepEqual(sise.value.errors, []);
    assert.match(sise.definition.documentation, /did you mean "batch.size"/);

    const mismatch = await http.put('/connector-plugins/OtherSource/config/validate', counterConfig('t'));
    assert.equal(mismatch.status, 400);
    assert.deepEqual(mismatch.body, { error_code: 400, message: 'Included connector type test.CounterSource does not match request type OtherSource' });
  });

  it('creates a connector (201 + Location), refuses a duplicate (409) and shows it everywhere', async () => {
    const name = uniqueName('conn');
    const topic = newTopic('out');
    const created = await create(name, counterConfig(topic, { secret: 'hunter2' }));
    assert.equal(created.headers.get('location'), `/connectors/${name}`);
    assert.deepEqual(created.body, {
      name,
      config: { ...counterConfig(topic), secret: '[hidden]', name },
      tasks: [{ connector: name, task: 0 }],
      type: 'source',
    });

    const dup = await http.post('/connectors', { name, config: counterConfig(topic) });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, { error_code: 409, message: `Connector ${name} already exists` });

    assert.ok((await http.get('/connectors')).body.includes(name));
    assert.deepEqual((await http.get(`/connectors/${name}`)).body, created.body);
    assert.deepEqual((await http.get(`/connectors/${name}/config`)).body, created.body.config);

    const status = await waitForStatus(w.url, name, (s) => isRunning(s) && s.tasks[0].progress?.emitted > 0);
    assert.equal(status.type, 'source');
    assert.equal(status.connector.worker_id, w.worker.workerId);
    assert.equal(status.tasks[0].id, 0);
    assert.equal(status.tasks[0].progress.phase, 'streaming', 'task progress appears as an extra field');
    assert.ok(!('trace' in status.connector), 'no trace on a healthy connector');

    const tasks = await http.get(`/connectors/${name}/tasks`);
    assert.deepEqual(tasks.body, [{ id: { connector: name, task: 0 }, config: created.body.config }]);
    const tasksConfig = await http.get(`/connectors/${name}/tasks-config`);
    assert.deepEqual(tasksConfig.body, { [`${name}-0`]: created.body.config });
    const taskStatus = await http.get(`/connectors/${name}/tasks/0/status`);
    assert.equal(taskStatus.status, 200);
    assert.equal(taskStatus.body.state, 'RUNNING');
    assert.equal((await http.get(`/connectors/${name}/tasks/7/status`)).status, 404);
    assert.equal((await http.get(`/connectors/${name}/tasks/x/status`)).status, 404);

    const expanded = await http.get('/connectors?expand=status&expand=info');
    assert.deepEqual(Object.keys(expanded.body[name]).sort(), ['info', 'status']);
    assert.deepEqual(expanded.body[name].info, created.body);
    assert.deepEqual(Object.keys((await http.get('/connectors?expand=status')).body[name]), ['status']);

    const active = await waitFor(async () => {
      const r = await http.get(`/connectors/${name}/topics`);
      return r.body[name]?.topics.length === 1 ? r.body : undefined;
    });
    assert.deepEqual(active, { [name]: { topics: [topic] } });
    const reset = await http.put(`/connectors/${name}/topics/reset`);
    assert.equal(reset.status, 202);
    assert.deepEqual((await http.get(`/connectors/${name}/topics`)).body, { [name]: { topics: [] } });
  });

  it('PUT config creates (201) then updates (200); PATCH merges and removes null keys', async () => {
    const name = uniqueName('put');
    const topic = newTopic('out');
    const first = await http.put(`/connectors/${name}/config`, counterConfig(topic, { 'interval.ms': '50' }));
    assert.equal(first.status, 201, first.text);
    assert.equal(first.headers.get('location'), `/connectors/${name}`);
    const second = await http.put(`/connectors/${name}/config`, counterConfig(topic, { 'interval.ms': '60' }));
    assert.equal(second.status, 200);
    assert.equal(second.body.config['interval.ms'], '60');

    const patched = await http.patch(`/connectors/${name}/config`, { 'interval.ms': null, 'batch.size': '7' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.config['batch.size'], '7');
    assert.ok(!('interval.ms' in patched.body.config));
    assert.deepEqual((await http.get(`/connectors/${name}/config`)).body, patched.body.config);

    const mismatch = await http.put(`/connectors/${name}/config`, { ...counterConfig(topic), name: 'other' });
    assert.deepEqual(mismatch.body, { error_code: 400, message: `Connector name configuration (other) doesn't match connector name in the URL (${name})` });
    assert.equal((await http.patch('/connectors/no-such-connector/config', { a: 'b' })).status, 404);
    await waitForStatus(w.url, name, (s) => isRunning(s));
  });

  it('pause (202), resume (202), stop (204) with PAUSED/RUNNING/STOPPED statuses', async () => {
    const name = uniqueName('states');
    await create(name, counterConfig(newTopic('out')));
    await waitForStatus(w.url, name, (s) => isRunning(s));

    assert.equal((await http.put(`/connectors/${name}/pause`)).status, 202);
    await waitForStatus(w.url, name, (s) => s.connector.state === 'PAUSED' && s.tasks.length === 1 && s.tasks[0].state === 'PAUSED');
    assert.equal((await http.put(`/connectors/${name}/resume`)).status, 202);
    await waitForStatus(w.url, name, (s) => isRunning(s));
    assert.equal((await http.put(`/connectors/${name}/stop`)).status, 204);
    await waitForStatus(w.url, name, (s) => s.connector.state === 'STOPPED' && s.tasks.length === 0);
    assert.deepEqual((await http.get(`/connectors/${name}/tasks`)).body, [], 'stop empties the task configs');
    assert.equal((await http.put(`/connectors/${name}/resume`)).status, 202);
    await waitForStatus(w.url, name, (s) => isRunning(s));

    for (const action of ['pause', 'resume', 'stop']) {
      const r = await http.put(`/connectors/no-such-connector/${action}`);
      assert.deepEqual(r.body, { error_code: 404, message: 'Connector no-such-connector not found' });
    }
  });

  it('initial_state creates a connector PAUSED or STOPPED', async () => {
    const paused = uniqueName('init_paused');
    const stopped = uniqueName('init_stopped');
    await create(paused, counterConfig(newTopic('out')), 'PAUSED');
    await create(stopped, counterConfig(newTopic('out')), 'STOPPED');
    await waitForStatus(w.url, paused, (s) => s.connector.state === 'PAUSED');
    await waitForStatus(w.url, stopped, (s) => s.connector.state === 'STOPPED' && s.tasks.length === 0);
    await http.put(`/connectors/${paused}/resume`);
    await waitForStatus(w.url, paused, (s) => isRunning(s));
  });

  it('a failed task stays FAILED with its trace until restarted; restart answers 204 or 202', async () => {
    const name = uniqueName('fail');
    const topic = newTopic('out');
    await create(name, counterConfig(topic, { 'fail.at.record': '5', 'batch.size': '2' }));
    const failed = await waitForStatus(w.url, name, (s) => s.tasks[0]?.state === 'FAILED');
    assert.equal(failed.connector.state, 'RUNNING');
    assert.match(failed.tasks[0].trace, /counter reached fail\.at\.record=5/);

    const plain = await http.post(`/connectors/${name}/restart`);
    assert.equal(plain.status, 204);
    assert.equal(plain.text, '');
    assert.equal((await http.get(`/connectors/${name}/status`)).body.tasks[0].state, 'FAILED', 'a plain restart leaves tasks alone');

    const accepted = await http.post(`/connectors/${name}/restart?includeTasks=true&onlyFailed=true`);
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.name, name);
    assert.equal(accepted.body.connector.state, 'RUNNING', 'onlyFailed leaves a running connector alone');
    assert.equal(accepted.body.tasks[0].state, 'RESTARTING');

    // Fix the config and restart the task: it resumes from its committed offset and runs.
    await http.patch(`/connectors/${name}/config`, { 'fail.at.record': null });
    await waitForStatus(w.url, name, (s) => isRunning(s));
    await waitFor(async () => (await counterValues(topic)).some((n) => n > 10));
    const values = await counterValues(topic);
    for (let n = 0; n <= 10; n++) assert.ok(values.includes(n), `record ${n} is in the topic`);

    assert.equal((await http.post(`/connectors/${name}/tasks/0/restart`)).status, 204);
    await waitForStatus(w.url, name, (s) => isRunning(s));
    const missingTask = await http.post(`/connectors/${name}/tasks/3/restart`);
    assert.deepEqual(missingTask.body, { error_code: 404, message: `Task ${name}-3 not found` });
    assert.equal((await http.post('/connectors/no-such-connector/restart')).status, 404);
  });

  it('offsets: GET in Connect\'s shape; DELETE/PATCH only when STOPPED', async () => {
    const name = uniqueName('offs');
    await create(name, counterConfig(newTopic('out'), { 'max.records': '30' }));
    const committed = await waitFor(async () => {
      const r = await http.get(`/connectors/${name}/offsets`);
      return r.body.offsets[0]?.offset.position === 30 ? r.body : undefined;
    });
    assert.deepEqual(committed, { offsets: [{ partition: { source: name }, offset: { position: 30 } }] });

    const refused = await http.delete(`/connectors/${name}/offsets`);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, {
      error_code: 400,
      message: `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
    });
    assert.equal((await http.patch(`/connectors/${name}/offsets`, { offsets: [{ partition: { source: name }, offset: { position: 3 } }] })).status, 400);

    await http.put(`/connectors/${name}/stop`);
    await waitForStatus(w.url, name, (s) => s.connector.state === 'STOPPED');
    const altered = await http.patch(`/connectors/${name}/offsets`, { offsets: [{ partition: { source: name }, offset: { position: 3 } }] });
    assert.equal(altered.status, 200, altered.text);
    assert.match(altered.body.message, /offsets for this connector have been altered successfully/);
    assert.deepEqual((await http.get(`/connectors/${name}/offsets`)).body, { offsets: [{ partition: { source: name }, offset: { position: 3 } }] });
    const reset = await http.delete(`/connectors/${name}/offsets`);
    assert.equal(reset.status, 200);
    assert.match(reset.body.message, /offsets for this connector have been reset successfully/);
    assert.deepEqual((await http.get(`/connectors/${name}/offsets`)).body, { offsets: [] });
    assert.deepEqual((await http.get('/connectors/no-such-connector/offsets')).body, { error_code: 404, message: 'Connector no-such-connector not found' });
  });

  it('DELETE removes the connector (204), calls the plugin\'s onDelete, then 404s', async () => {
    const name = uniqueName('del');
    const marker = join(tmp, `${name}.deleted`);
    await create(name, counterConfig(newTopic('out'), { 'on.delete.file': marker }));
    await waitForStatus(w.url, name, (s) => isRunning(s));
    const deleted = await http.delete(`/connectors/${name}`);
    assert.equal(deleted.status, 204);
    assert.ok(existsSync(marker), 'onDelete ran');
    for (const path of [`/connectors/${name}`, `/connectors/${name}/config`, `/connectors/${name}/status`, `/connectors/${name}/tasks`]) {
      assert.deepEqual((await http.get(path)).body, { error_code: 404, message: `Connector ${name} not found` }, path);
    }
    assert.ok(!(await http.get('/connectors')).body.includes(name));
    assert.equal((await http.delete(`/connectors/${name}`)).status, 404);
  });

  it('unknown paths are 404 and wrong methods 405, with Connect\'s body', async () => {
    assert.deepEqual((await http.get('/no/such/path')).body, { error_code: 404, message: 'HTTP 404 Not Found' });
    const wrong = await http.delete('/connectors');
    assert.equal(wrong.status, 405);
    assert.deepEqual(wrong.body, { error_code: 405, message: 'HTTP 405 Method Not Allowed' });
    assert.equal((await http.post('/connectors/x/config', {})).status, 405);
    assert.equal((await http.get('/connectors/')).status, 200, 'a trailing slash is accepted');
  });

  it('secrets: masked in GET, kept when the mask is sent back, never in logs or traces', async () => {
    const secret = `pw-${uniqueName('secret')}`;
    const name = uniqueName('sec');
    const topic = newTopic('out');
    await create(name, counterConfig(topic, { secret, 'max.records': '5' }));
    const config = (await http.get(`/connectors/${name}/config`)).body;
    assert.equal(config.secret, '[hidden]');

    // Send the masked config back with a change: the stored secret stays, the task still gets the real value.
    const updated = await http.put(`/connectors/${name}/config`, { ...config, 'max.records': '10' });
    assert.equal(updated.status, 200, updated.text);
    const expected = createHash('sha256').update(secret).digest('hex');
    const values = await waitFor(async () => {
      const records = await readTopic(topic);
      return records.length >= 10 ? records.map((r) => JSON.parse(r.value!).payload) : undefined;
    });
    assert.ok(values.every((v: any) => v.secret_sha256 === expected), 'the task received the real secret, before and after the PUT');

    // A task failure that quotes the secret: the trace shows the mask instead.
    const failing = uniqueName('secfail');
    await create(failing, counterConfig(newTopic('out'), { secret, 'fail.at.record': '1', 'fail.reveals.secret': 'true' }));
    const status = await waitForStatus(w.url, failing, (s) => s.tasks[0]?.state === 'FAILED');
    assert.match(status.tasks[0].trace, /login with password \[hidden\]/);
    assert.ok(!status.tasks[0].trace.includes(secret));
    for (const path of ['/connectors?expand=info&expand=status', `/connectors/${failing}/tasks`, `/connectors/${failing}/tasks-config`]) {
      assert.ok(!(await http.get(path)).text.includes(secret), path);
    }
    assert.ok(!w.logs().includes(secret), 'the secret is not in the worker log');
  });
});
