/** Kafka's `sasl.jaas.config` syntax, parsed without ever quoting the text (it holds the secrets). */
import { ConfigError } from '../errors/index.js';

export interface JaasConfig {
  loginModule: string;
  controlFlag: 'required' | 'requisite' | 'sufficient' | 'optional';
  options: Record<string, string>;
}

type Token = { kind: 'word' | 'quoted'; text: string; at: number } | { kind: ';' | '='; at: number };

/**
 * Parses `sasl.jaas.config` as Kafka does: `<LoginModuleClass> <flag> name=value ... ;` — values quoted with " or '
 * (backslash escapes as in Java's StreamTokenizer) or bare words; `//` and `/* *\/` comments; one entry only,
 * ended by a semicolon. Errors point at a position, never quote the text: it holds the secrets.
 */
export function parseJaasConfig(text: string, key = 'sasl.jaas.config'): JaasConfig {
  const fail = (problem: string, fix = 'Write it as: <LoginModuleClass> required name="value" ...;') =>
    new ConfigError(`Configuration ${key} ${problem}`, key, { fix });
  const tokens = tokenizeJaas(text, fail);
  const [module, flag] = tokens;
  if (module === undefined || (module.kind !== 'word' && module.kind !== 'quoted')) throw fail('names no login module.');
  if (flag === undefined || flag.kind !== 'word') throw fail('has no control flag after the login module.');
  const controlFlag = flag.text.toLowerCase();
  if (controlFlag !== 'required' && controlFlag !== 'requisite' && controlFlag !== 'sufficient' && controlFlag !== 'optional') {
    throw fail(`has an invalid control flag at character ${flag.at + 1}; use required, requisite, sufficient or optional.`);
  }
  const options: Record<string, string> = {};
  let i = 2;
  for (let n = 1; tokens[i] !== undefined && tokens[i]!.kind !== ';'; n++, i += 3) {
    const [name, eq, value] = [tokens[i]!, tokens[i + 1], tokens[i + 2]];
    if (name.kind === '=' || eq?.kind !== '=' || value === undefined || (value.kind !== 'word' && value.kind !== 'quoted')) {
      throw fail(`has option ${n} (character ${name.at + 1}) without name=value.`, 'Write options as name="value"; quote values that contain spaces, =, ; or /.');
    }
    options[(name as { text: string }).text] = value.text;
  }
  if (tokens[i] === undefined) throw fail('is not ended by a semicolon.', 'End the login module entry with ";".');
  if (i + 1 < tokens.length) {
    throw fail('has more than one login module entry; a Kafka client takes exactly one.', 'Keep the one entry for the configured sasl.mechanism.');
  }
  return { loginModule: (module as { text: string }).text, controlFlag, options };
}

const JAAS_ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function tokenizeJaas(text: string, fail: (problem: string) => ConfigError): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c <= ' ') {
      i++;
    } else if (c === '/') {
      // "//" and a lone "/" comment out the rest of the line; "/*" runs to "*/".
      if (text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? text.length : end + 2;
      } else {
        while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      }
    } else if (c === ';' || c === '=') {
      tokens.push({ kind: c, at: i++ });
    } else if (c === '"' || c === "'") {
      const at = i++;
      let value = '';
      for (;;) {
        if (i >= text.length || text[i] === '\n' || text[i] === '\r') throw fail(`has a quoted value at character ${at + 1} that is not closed on its line.`);
        const d = text[i++]!;
        if (d === c) break;
        if (d !== '\\' || i >= text.length) {
          value += d;
          continue;
        }
        const e = text[i++]!;
        const octal = /^[0-7]{1,3}/.exec(text.slice(i - 1, i + 2))?.[0];
        if (octal !== undefined) {
          // As Java: up to three octal digits, the third only when the first is 0-3.
          const digits = octal.length === 3 && octal[0]! > '3' ? octal.slice(0, 2) : octal;
          value += String.fromCharCode(parseInt(digits, 8));
          i += digits.length - 1;
        } else {
          value += JAAS_ESCAPES[e] ?? e;
        }
      }
      tokens.push({ kind: 'quoted', text: value, at });
    } else {
      const at = i;
      while (i < text.length && text[i]! > ' ' && !';="\'/'.includes(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(at, i), at });
    }
  }
  return tokens;
}
