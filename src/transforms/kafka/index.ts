/**
 * Kafka Connect's built-in transforms and predicates (org.apache.kafka.connect.transforms.*), with Kafka 4.x's
 * keys and behaviour. Their aliases follow Connect's rule: a single-class transform or predicate is also known by
 * its simple name; the `$Key`/`$Value` classes have none (their simple names, Key and Value, are never unique).
 */
import type { PredicatePlugin, TransformationPlugin } from '../types.js';
import { castPlugins } from './cast.js';
import { extractFieldPlugins } from './extract-field.js';
import { filterPlugin } from './filter.js';
import { flattenPlugins } from './flatten.js';
import { headerFromPlugins } from './header-from.js';
import { dropHeadersPlugin, insertHeaderPlugin } from './headers.js';
import { hoistFieldPlugins } from './hoist-field.js';
import { insertFieldPlugins } from './insert-field.js';
import { maskFieldPlugins } from './mask-field.js';
import { hasHeaderKeyPlugin, recordIsTombstonePlugin, topicNameMatchesPlugin } from './predicates.js';
import { regexRouterPlugin } from './regex-router.js';
import { replaceFieldPlugins } from './replace-field.js';
import { setSchemaMetadataPlugins } from './set-schema-metadata.js';
import { timestampConverterPlugins } from './timestamp-converter.js';
import { timestampRouterPlugin } from './timestamp-router.js';
import { valueToKeyPlugin } from './value-to-key.js';

export const kafkaTransformations: readonly TransformationPlugin[] = [
  ...castPlugins,
  dropHeadersPlugin,
  ...extractFieldPlugins,
  filterPlugin,
  ...flattenPlugins,
  ...headerFromPlugins,
  ...hoistFieldPlugins,
  insertHeaderPlugin,
  ...insertFieldPlugins,
  ...maskFieldPlugins,
  regexRouterPlugin,
  ...replaceFieldPlugins,
  ...setSchemaMetadataPlugins,
  ...timestampConverterPlugins,
  timestampRouterPlugin,
  valueToKeyPlugin,
];

export const kafkaPredicates: readonly PredicatePlugin[] = [
  hasHeaderKeyPlugin,
  recordIsTombstonePlugin,
  topicNameMatchesPlugin,
];
