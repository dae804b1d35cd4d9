/**
 * A parser for Java `.properties` text with the rules of `java.util.Properties.load`: `key=value`,
 * `key: value`, `key value`; `#`/`!` comment lines; a line ending in an odd number of backslashes continues on
 * the next (whose leading whitespace is dropped); escapes `\t \n \r \f \uXXXX`, and `\x` meaning `x`.
 */
import { ConfigError } from '../errors/index.js';

const WHITESPACE = new Set([' ', '\t', '\f']);

export function parseProperties(text: string, source = 'properties text'): Record<string, string> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    let line = stripLeading(lines[i]!);
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    while (endsWithOddBackslashes(line)) {
      line = line.slice(0, -1);
      if (i + 1 >= lines.length) break;
      line += stripLeading(lines[++i]!);
    }
    const [key, value] = splitKeyValue(line);
    try {
      out[unescape(key)] = unescape(value);
    } catch (err) {
      throw new ConfigError(`${source}, line ${lineNumber}: ${(err as Error).message}`, undefined, {
        fix: 'Write a backslash as \\\\, and a Unicode escape as \\u followed by exactly four hex digits.',
      });
    }
  }
  return out;
}

function stripLeading(s: string): string {
  let i = 0;
  while (i < s.length && WHITESPACE.has(s[i]!)) i++;
  return i === 0 ? s : s.slice(i);
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** Key ends at the first unescaped `=`, `:` or whitespace; one `=`/`:` may follow whitespace before the value. */
function splitKeyValue(line: string): [string, string] {
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\') i += 2;
    else if (c === '=' || c === ':' || WHITESPACE.has(c)) break;
    else i++;
  }
  const keyEnd = Math.min(i, line.length);
  let j = keyEnd;
  while (j < line.length && WHITESPACE.has(line[j]!)) j++;
  if (j < line.length && (line[j] === '=' || line[j] === ':')) j++;
  while (j < line.length && WHITESPACE.has(line[j]!)) j++;
  return [line.slice(0, keyEnd), line.slice(j)];
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++i];
    if (next === undefined) break; // a lone trailing backslash (end of input) stands for nothing
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      // The text itself is not quoted: it may be a secret's (the message reaches REST responses).
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error('Malformed \\uxxxx encoding');
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}
