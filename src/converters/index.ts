/**
 * The one place converters are made: a converter class (JSON, Avro, JSON Schema, Protobuf, String, ByteArray or a number converter, after aliases) and its settings (the
 * `key.converter.*` / `value.converter.*` props without the prefix) → a Converter. Settings are validated here
 * with the converter's ConfigDef; a problem is a ConfigError naming the prefixed key.
 */
import {
  createAvroConverter, createByteArrayConverter, createJsonConverter, createJsonSchemaConverter, createNumberConverter, createProtobufConverter,
  createStringConverter, stringEncoding, type Converter, type RegistrySettings, type NameAdjustmentMode, type SubjectNameStrategy,
} from '../../schemas/index.js';
import {
  AVRO_CONVERTER, BYTE_ARRAY_CONVERTER, converterClass, converterDef, JSON_CONVERTER, JSON_SCHEMA_CONVERTER, NUMBER_CONVERTERS, parseConfig,
  PROTOBUF_CONVERTER, REQUEST_HEADER_PREFIX, STRING_CONVERTER, SUPPORTED_CONVERTERS, type ConfigValue,
} from '../connect-api/index.js';
import { ConfigError } from '../errors/index.js';
import { createRegistryClient } from '../schema-registry/client.js';

export interface ConverterSetup {
  /** Class name or alias. */
  className: string;
  /** The converter's settings, prefix stripped. */
  props: Readonly<Record<string, string>>;
  isKey: boolean;
  /** The connector's Debezium name adjustment (`schema.name.adjustment.mode`, `field.name.adjustment.mode`), for Avro. */
  nameAdjustment?: { schema: NameAdjustmentMode; field: NameAdjustmentMode };
  /** For tests. */
  fetch?: typeof fetch;
}

/** Which class and settings a connector's key or value converter has: its own if it names one, else the worker's (as Connect). */
export function converterSettings(
  role: 'key.converter' | 'value.converter',
  connector: Readonly<Record<string, string>>,
  worker: { className: string; props: Readonly<Record<string, string>> },
): { className: string; props: Record<string, string> } {
  const own = connector[role];
  if (own !== undefined) return { className: converterClass(own), props: withPrefix(connector, `${role}.`) };
  const props = { ...worker.props };
  // Kept from before converters were configurable: a connector's schemas.enable applies to the worker's JSON converter.
  const schemasEnable = connector[`${role}.schemas.enable`];
  if (schemasEnable !== undefined) props['schemas.enable'] = schemasEnable;
  return { className: worker.className, props };
}

function withPrefix(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

export function createConverter(setup: ConverterSetup): Converter {
  const className = converterClass(setup.className);
  const prefix = setup.isKey ? 'key.converter.' : 'value.converter.';
  const def = converterDef(className);
  if (!def) {
    throw new ConfigError(`Converter ${setup.className} is not supported by this service`, prefix.slice(0, -1), {
      fix: `Use ${SUPPORTED_CONVERTERS.join(', ')}.`,
    });
  }
  const { settings: s, errors } = parseConfig(def, setup.props);
  const first = Object.entries(errors)[0];
  if (first) {
    const [key, messages] = first;
    const message = messages.join(' ').replace(`configuration ${key}`, `configuration ${prefix}${key}`).replace(`"${key}"`, `"${prefix}${key}"`);
    throw new ConfigError(message, prefix + key);
  }
  if (className === JSON_CONVERTER) {
    return createJsonConverter({
      schemasEnable: s['schemas.enable'] as boolean, isKey: setup.isKey, decimalFormat: s['decimal.format'] === 'NUMERIC' ? 'numeric' : 'base64',
    });
  }
  if (className === STRING_CONVERTER) {
    const roleEncoding = s[setup.isKey ? 'key.serializer.encoding' : 'value.serializer.encoding'] as string | null;
    return createStringConverter({ encoding: stringEncoding(roleEncoding ?? (s['converter.encoding'] as string))! });
  }
  if (className === BYTE_ARRAY_CONVERTER) return createByteArrayConverter();
  if (className in NUMBER_CONVERTERS) return createNumberConverter(NUMBER_CONVERTERS[className as keyof typeof NUMBER_CONVERTERS]);
  const registry = registrySettings(s, setup);
  if (className === JSON_SCHEMA_CONVERTER) {
    return createJsonSchemaConverter({
      ...registry, decimalFormat: s['decimal.format'] === 'NUMERIC' ? 'numeric' : 'base64', additionalProperties: s['object.additional.properties'] as boolean,
    });
  }
  if (className === PROTOBUF_CONVERTER) {
    return createProtobufConverter({
      ...registry,
      data: {
        optionalForNullables: s['optional.for.nullables'] as boolean,
        wrapperForNullables: s['wrapper.for.nullables'] as boolean,
        scrubInvalidNames: s['scrub.invalid.names'] as boolean,
      },
    });
  }
  return createAvroConverter({
    ...registry,
    ignoreDefaultForNullables: s['ignore.default.for.nullables'] as boolean,
    data: {
      connectMetaData: s['connect.meta.data'] as boolean,
      scrubInvalidNames: s['scrub.invalid.names'] as boolean,
      discardTypeDocDefault: s['discard.type.doc.default'] as boolean,
      allowOptionalMapKeys: s['allow.optional.map.keys'] as boolean,
      schemaNameAdjustment: setup.nameAdjustment?.schema ?? 'none',
      fieldNameAdjustment: setup.nameAdjustment?.field ?? 'none',
    },
  });
}

/** The registry client and subject settings every registry converter takes (AbstractKafkaSchemaSerDeConfig). */
function registrySettings(s: Record<string, ConfigValue>, setup: ConverterSetup): RegistrySettings {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(setup.props)) if (k.startsWith(REQUEST_HEADER_PREFIX)) headers[k.slice(REQUEST_HEADER_PREFIX.length)] = v;
  const userInfo = (s['basic.auth.user.info'] || s['schema.registry.basic.auth.user.info'] || null) as string | null;
  const registry = createRegistryClient({
    urls: s['schema.registry.url'] as string[],
    basicAuthSource: s['basic.auth.credentials.source'] === 'USER_INFO' ? 'USER_INFO' : 'URL',
    userInfo,
    bearerToken: (s['bearer.auth.token'] || null) as string | null,
    headers,
    timeoutMs: (s['http.connect.timeout.ms'] as number) + (s['http.read.timeout.ms'] as number),
    normalize: s['normalize.schemas'] as boolean,
    maxSchemasPerSubject: s['max.schemas.per.subject'] as number,
    ...(setup.fetch ? { fetch: setup.fetch } : {}),
  });
  const strategy = (s[setup.isKey ? 'key.subject.name.strategy' : 'value.subject.name.strategy'] as string).split('.').pop() as SubjectNameStrategy;
  return {
    registry,
    isKey: setup.isKey,
    subjectNameStrategy: strategy,
    autoRegisterSchemas: s['auto.register.schemas'] as boolean,
    useSchemaId: s['use.schema.id'] as number,
    useLatestVersion: s['use.latest.version'] as boolean,
  };
}

export { AVRO_CONVERTER, JSON_CONVERTER, JSON_SCHEMA_CONVERTER, PROTOBUF_CONVERTER };
