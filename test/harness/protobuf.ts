/**
 * An independent reader of the known types Confluent's ProtobufConverter imports (its serialiser registers none of
 * them as references): Google's published date/timeofday files (google-proto-files), protobufjs' bundled
 * google/protobuf ones, and Confluent's Decimal and Meta messages as Confluent documents them.
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { getProtoPath } from 'google-proto-files';

export function knownTypesRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const f of ['timestamp', 'wrappers']) root.addJSON(protobuf.common.get(`google/protobuf/${f}.proto`)!.nested!);
  for (const f of ['date', 'timeofday']) protobuf.loadSync(join(getProtoPath(), 'type', `${f}.proto`), root);
  protobuf.parse('syntax = "proto3"; package confluent.type; message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }', root);
  protobuf.parse('syntax = "proto3"; package confluent; message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }', root);
  return root;
}

/** The first message of a registered .proto (message index 0), read with the known types. */
export function firstMessageOf(text: string): protobuf.Type {
  const own = protobuf.parse(text, { keepCase: true });
  const first = own.root.nestedArray.length ? firstType(own.root) : undefined;
  if (!first) throw new Error('the .proto has no message');
  const root = protobuf.parse(text, knownTypesRoot(), { keepCase: true }).root;
  const type = root.lookupType(first.fullName);
  root.resolveAll();
  return type;
}

function firstType(ns: protobuf.NamespaceBase): protobuf.Type | undefined {
  for (const n of ns.nestedArray) {
    if (n instanceof protobuf.Type) return n;
    if (n instanceof protobuf.Namespace) {
      const t = firstType(n);
      if (t) return t;
    }
  }
  return undefined;
}
