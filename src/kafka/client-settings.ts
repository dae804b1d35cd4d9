/**
 * One client's settings as the parsers read them: values trimmed as Kafka's ConfigDef trims them, and each key
 * named in errors as the user wrote it (`producer.override.ssl.truststore.location`).
 */
import { ConfigError } from '../errors/index.js';

export interface KafkaConnectionOptions {
  /** The key holding the brokers. Default `bootstrap.servers`. */
  brokersKey?: string;
  /** How keys are named in errors when `origins` does not say: e.g. `producer.`. Default none. */
  keyPrefix?: string;
  /** Per key, the name the user wrote (from `clientProps`/`withClientOverrides`). */
  origins?: Readonly<Record<string, string>>;
  /** Reads the files named by `ssl.*.location` (tests). Default: fs.readFileSync. */
  readFile?: (path: string) => Buffer;
}

/** Values trimmed as Kafka's ConfigDef trims them; errors name keys as the user wrote them. */
export class Settings {
  constructor(private readonly props: Readonly<Record<string, string>>, private readonly options: KafkaConnectionOptions) {}

  keys(): string[] {
    return Object.keys(this.props);
  }

  /** The trimmed value, or undefined when unset or blank. */
  get(key: string): string | undefined {
    const value = this.props[key]?.trim();
    return value ? value : undefined;
  }

  isSet(key: string): boolean {
    return this.props[key] !== undefined;
  }

  /** The key as written. For an unset key (named in a fix), the prefix of the related key `like`. */
  name(key: string, like?: string): string {
    const origin = this.options.origins?.[key];
    if (origin !== undefined && this.isSet(key)) return origin;
    if (like !== undefined && this.isSet(like)) return this.prefixOf(like) + key;
    // A missing setting belongs where security.protocol asked for it (signal.consumer.sasl.mechanism).
    if (this.isSet('security.protocol')) return this.prefixOf('security.protocol') + key;
    return (this.options.keyPrefix ?? '') + key;
  }

  /** How specific the place a key was set is: '' < 'producer.' < 'producer.override.'. */
  specificity(key: string): number {
    return this.prefixOf(key).length;
  }

  private prefixOf(key: string): string {
    const name = this.options.origins?.[key] ?? (this.options.keyPrefix ?? '') + key;
    return name.slice(0, name.length - key.length);
  }

  error(key: string, problem: string, fix: string, like?: string): ConfigError {
    const name = this.name(key, like);
    return new ConfigError(`Configuration ${name} ${problem}`, name, { fix });
  }
}
