import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { encodeRequestFrame } from '../../src/kafka/request-frame.js';

// kafkajs's own framing; this process never loads our adapter, so the module is kafkajs's.
const require = createRequire(import.meta.url);
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => { writeBuffer(b: Buffer): unknown; buffer: Buffer };
const kafkajsRequest = require('kafkajs/src/protocol/request.js') as (args: {
  correlationId: number; clientId: string | null; request: { apiKey: number; apiVersion: number; encode(): Promise<unknown> };
}) => Promise<{ buffer: Buffer }>;

test('a request frame has the same bytes as kafkajs builds (size, header v1, body)', async () => {
  const bodies = [Buffer.alloc(0), Buffer.from('abc'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251))];
  for (const clientId of ['tscdc', 'wörker-1 ☃', '', null]) {
    for (const body of bodies) {
      const encode = async () => {
        const e = new Encoder();
        // writeBuffer of kafkajs's Encoder writes the raw bytes (no length prefix)
        e.writeBuffer(body);
        return e;
      };
      const theirs = (await kafkajsRequest({ correlationId: 123456, clientId, request: { apiKey: 0, apiVersion: 7, encode } })).buffer;
      const ours = encodeRequestFrame({ apiKey: 0, apiVersion: 7, correlationId: 123456, clientId }, body);
      assert.deepEqual(ours, theirs, `clientId ${clientId}, body ${body.length} bytes`);
    }
  }
});
