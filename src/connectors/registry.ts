/**
 * The connector plugins a worker knows: the built-in ones below plus any loaded from the worker's
 * `plugin.path` (JS module files, or directories of them). A plugin is found by its class name, by one of
 * its aliases, or — as Kafka Connect does — by its simple class name with or without the `Connector` suffix.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectorPlugin, PluginRegistry, PredicatePlugin, TransformationPlugin } from '../connect-api/index.js';
import { builtinPredicates, builtinTransformations } from '../transforms/index.js';
import { ConfigError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { mariaDbConnectorPlugin, mySqlConnectorPlugin } from './mysql/index.js';
import { postgresConnectorPlugin } from './postgres/index.js';

/** The built-in connector plugins: MySQL, MariaDB and PostgreSQL. */
export const builtinPlugins: readonly ConnectorPlugin[] = [mySqlConnectorPlugin, mariaDbConnectorPlugin, postgresConnectorPlugin];

const SUFFIX = 'Connector';

function simpleNames(className: string): string[] {
  const simple = className.slice(className.lastIndexOf('.') + 1);
  const names = [simple];
  if (simple.endsWith(SUFFIX) && simple.length > SUFFIX.length) names.push(simple.slice(0, -SUFFIX.length));
  return names;
}

/** Class name and aliases → plugin; an alias two plugins share is dropped rather than picked at random. */
function nameIndex<P extends { className: string; aliases: readonly string[] }>(plugins: readonly P[], simple: (cls: string) => string[]): Map<string, P> {
  const byName = new Map<string, P>();
  const ambiguous = new Set<string>();
  for (const plugin of plugins) {
    if (byName.has(plugin.className)) throw new ConfigError(`Two plugins have the class name ${plugin.className}`, 'plugin.path');
    byName.set(plugin.className, plugin);
  }
  for (const plugin of plugins) {
    for (const alias of [...plugin.aliases, ...simple(plugin.className)]) {
      const existing = byName.get(alias);
      if (existing === plugin) continue;
      if (existing) {
        if (existing.className !== alias) ambiguous.add(alias);
        continue;
      }
      byName.set(alias, plugin);
    }
  }
  for (const alias of ambiguous) byName.delete(alias);
  return byName;
}

// Connect's simple-name alias is Java's getSimpleName: for a nested class (`InsertField$Value`) that is `Value`,
// which several transforms share, so only top-level classes get one.
function smtSimpleName(className: string): string[] {
  const simple = className.slice(className.lastIndexOf('.') + 1);
  return simple.includes('$') ? [] : [simple];
}

export function createPluginRegistry(
  plugins: readonly ConnectorPlugin[],
  transformations: readonly TransformationPlugin[] = builtinTransformations,
  predicates: readonly PredicatePlugin[] = builtinPredicates,
): PluginRegistry {
  const transformsByName = nameIndex(transformations, smtSimpleName);
  const predicatesByName = nameIndex(predicates, smtSimpleName);
  const byClass = (a: { className: string }, b: { className: string }) => a.className.localeCompare(b.className);
  const transformList = [...transformations].sort(byClass);
  const predicateList = [...predicates].sort(byClass);
  const byName = nameIndex(plugins, simpleNames);
  const list = [...plugins].sort(byClass);
  return {
    all: () => list,
    find: (name) => byName.get(name.trim()),
    transformations: () => transformList,
    predicates: () => predicateList,
    findTransformation: (name) => transformsByName.get(name.trim()),
    findPredicate: (name) => predicatesByName.get(name.trim()),
  };
}

function isConnectorPlugin(value: unknown): value is ConnectorPlugin {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<ConnectorPlugin>;
  return typeof p.className === 'string' && typeof p.createTask === 'function' && typeof p.taskConfigs === 'function'
    && typeof p.configDef === 'object' && Array.isArray(p.aliases);
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs']);

/** The module files a plugin.path entry stands for: the file itself, or a directory's modules and subdirectories' index.js. */
function moduleFiles(entry: string): string[] {
  const path = resolve(entry);
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    throw new ConfigError(`plugin.path entry ${path} does not exist`, 'plugin.path', { cause: err, fix: 'Fix or remove the entry in plugin.path.' });
  }
  if (stat.isFile()) return [path];
  const files: string[] = [];
  for (const name of readdirSync(path).sort()) {
    const child = join(path, name);
    const childStat = statSync(child);
    if (childStat.isFile() && MODULE_EXTENSIONS.has(extname(name))) files.push(child);
    else if (childStat.isDirectory()) {
      const index = join(child, 'index.js');
      try {
        if (statSync(index).isFile()) files.push(index);
      } catch {
        // a directory without an index.js is not a plugin; Connect skips such entries too
      }
    }
  }
  return files;
}

/** Imports the connector plugins of each `plugin.path` entry. A module exports a plugin as `default` or `plugin`. */
export async function loadPluginPath(pluginPath: readonly string[], logger: Logger): Promise<ConnectorPlugin[]> {
  const plugins: ConnectorPlugin[] = [];
  for (const entry of pluginPath) {
    for (const file of moduleFiles(entry)) {
      let mod: Record<string, unknown>;
      try {
        mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      } catch (err) {
        throw new ConfigError(`Could not load plugin module ${file}: ${err instanceof Error ? err.message : String(err)}`, 'plugin.path', {
          cause: err,
          fix: 'Check that the module is built JavaScript (ESM) and its imports resolve, or remove it from plugin.path.',
        });
      }
      const candidates = [mod.default, mod.plugin].filter(isConnectorPlugin);
      const found = [...new Set(candidates)];
      if (found.length === 0) {
        logger.warn({ file }, 'plugin.path module exports no connector plugin (expected a `default` or `plugin` export); skipped');
        continue;
      }
      for (const plugin of found) {
        logger.info({ file, class: plugin.className, version: plugin.version }, 'loaded connector plugin');
        plugins.push(plugin);
      }
    }
  }
  return plugins;
}

/** The built-in plugins plus those on `plugin.path`. */
export async function loadPluginRegistry(pluginPath: readonly string[], logger: Logger, builtins = builtinPlugins): Promise<PluginRegistry> {
  return createPluginRegistry([...builtins, ...(await loadPluginPath(pluginPath, logger))]);
}
