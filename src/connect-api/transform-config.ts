/**
 * The keys `transforms` and `predicates` bring into a connector config, as Connect's ConnectorConfig.enrich
 * adds them: per alias a required `type`, for transforms `predicate` and `negate`, then the plugin's own keys
 * under the alias prefix, each alias in its own group ("Transforms: <alias>").
 */
import type { ConfigDef, ConfigKeyDef, ConfigValue } from './config-def.js';
import type { PluginConfig, PluginRegistry, PredicatePlugin, TransformationPlugin } from './plugin.js';

/** The transform and predicate lookups of a PluginRegistry. */
export type SmtCatalog = Pick<PluginRegistry, 'findTransformation' | 'findPredicate'>;

type AnyPlugin = TransformationPlugin | PredicatePlugin;

/** The aliases a LIST key names, as Connect reads them (trimmed, empty items dropped, first of duplicates). */
export function aliasesOf(props: Readonly<Record<string, string>>, key: 'transforms' | 'predicates'): string[] {
  const raw = props[key];
  if (raw === undefined) return [];
  return [...new Set(raw.split(',').map((a) => a.trim()).filter((a) => a !== ''))];
}

/** `props` under `prefix`, the prefix removed. */
export function propsUnder(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** Parsed settings under `prefix`, the prefix removed. */
function settingsUnder(all: Readonly<Record<string, ConfigValue>>, prefix: string): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(all)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

export function transformsConfigDef(props: Readonly<Record<string, string>>, catalog: SmtCatalog): ConfigDef {
  const predicateAliases = aliasesOf(props, 'predicates');
  const keys: ConfigKeyDef[] = [];
  for (const alias of aliasesOf(props, 'transforms')) {
    const prefix = `transforms.${alias}.`;
    const group = `Transforms: ${alias}`;
    const plugin = catalog.findTransformation(props[`${prefix}type`]?.trim() ?? '');
    keys.push(typeKey(prefix, group, alias, 'transformation', plugin, props, (v) => (catalog.findTransformation(v) ? undefined : `Class ${v} could not be found.`)));
    keys.push(
      { name: `${prefix}predicate`, type: 'STRING', default: null, importance: 'MEDIUM', group, orderInGroup: 1,
        validate: (v) => (v === null || v === '' || predicateAliases.includes(v as string) ? undefined
          : `The predicate "${String(v)}" is not one of the aliases in "predicates" (${predicateAliases.join(', ') || 'none'}).`),
        documentation: 'The alias of a predicate used to determine whether to apply this transformation.' },
      { name: `${prefix}negate`, type: 'BOOLEAN', default: false, importance: 'MEDIUM', group, orderInGroup: 2,
        validate: () => (props[`${prefix}negate`] !== undefined && !props[`${prefix}predicate`]
          ? `Config '${prefix}negate' was provided but there is no config '${prefix}predicate' defining a predicate to be negated.` : undefined),
        documentation: 'Whether the configured predicate should be negated.' },
    );
    if (plugin) keys.push(...pluginKeys(plugin, prefix, group, props, ['type', 'predicate', 'negate']));
  }
  for (const alias of predicateAliases) {
    const prefix = `predicates.${alias}.`;
    const group = `Predicates: ${alias}`;
    const plugin = catalog.findPredicate(props[`${prefix}type`]?.trim() ?? '');
    keys.push(typeKey(prefix, group, alias, 'predicate', plugin, props, (v) => (catalog.findPredicate(v) ? undefined : `Class ${v} could not be found.`)));
    if (plugin) keys.push(...pluginKeys(plugin, prefix, group, props, ['type']));
  }
  return { keys };
}

function typeKey(
  prefix: string, group: string, alias: string, kind: string, plugin: AnyPlugin | undefined,
  props: Readonly<Record<string, string>>, known: (v: string) => string | undefined,
): ConfigKeyDef {
  return {
    name: `${prefix}type`, type: 'CLASS', importance: 'HIGH', group, orderInGroup: 0, width: 'LONG',
    displayName: `${kind === 'predicate' ? 'Predicate' : 'Transformation'} type for ${alias}`,
    documentation: `Class for the '${alias}' ${kind}.`,
    validate: (v, all) => known(v as string) ?? (plugin ? crossKeyErrors(plugin, prefix, props, all)['type']?.join('; ') ?? unkeyed(plugin, prefix, props, all) : undefined),
  };
}

/** The plugin's keys under the prefix; each also reports the plugin's cross-key errors on it. */
function pluginKeys(plugin: AnyPlugin, prefix: string, group: string, props: Readonly<Record<string, string>>, reserved: readonly string[]): ConfigKeyDef[] {
  return plugin.configDef.keys.filter((k) => !reserved.includes(k.name)).map((k, i): ConfigKeyDef => ({
    ...k,
    name: prefix + k.name,
    group,
    orderInGroup: 3 + i,
    validate: (v, all) => {
      const own = k.validate?.(v, settingsUnder(all, prefix));
      if (own !== undefined) return own;
      return crossKeyErrors(plugin, prefix, props, all)[k.name]?.join('; ');
    },
  }));
}

// One plugin.validate() call per alias and validation pass, shared by the hooks of its keys.
const crossKeyCache = new WeakMap<Readonly<Record<string, ConfigValue>>, Map<string, Record<string, string[]>>>();

function crossKeyErrors(plugin: AnyPlugin, prefix: string, props: Readonly<Record<string, string>>, all: Readonly<Record<string, ConfigValue>>): Record<string, string[]> {
  if (!plugin.validate) return {};
  let byPrefix = crossKeyCache.get(all);
  if (!byPrefix) crossKeyCache.set(all, (byPrefix = new Map()));
  let errors = byPrefix.get(prefix);
  if (!errors) {
    const config: PluginConfig = { settings: settingsUnder(all, prefix), props: propsUnder(props, prefix) };
    errors = plugin.validate(config);
    byPrefix.set(prefix, errors);
  }
  return errors;
}

/** Cross-key errors on names that are not keys of the plugin's def go on its `type` key, so none is lost. */
function unkeyed(plugin: AnyPlugin, prefix: string, props: Readonly<Record<string, string>>, all: Readonly<Record<string, ConfigValue>>): string | undefined {
  const names = new Set(plugin.configDef.keys.map((k) => k.name));
  const lost = Object.entries(crossKeyErrors(plugin, prefix, props, all)).filter(([k]) => k !== 'type' && !names.has(k));
  return lost.length ? lost.map(([k, m]) => `${prefix}${k}: ${m.join('; ')}`).join('; ') : undefined;
}
