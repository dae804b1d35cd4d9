import type { ConfigDef, ConfigKeyDef } from './config-def.js';

const indexes = new WeakMap<ConfigDef, Map<string, ConfigKeyDef>>();

/** A def's keys by name, built once per def object (defs are immutable by convention). */
export function keyIndex(def: ConfigDef): Map<string, ConfigKeyDef> {
  let index = indexes.get(def);
  if (!index) {
    index = new Map(def.keys.map((k) => [k.name, k]));
    indexes.set(def, index);
  }
  return index;
}
