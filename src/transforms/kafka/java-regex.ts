/**
 * Java regular expressions (java.util.regex) as RegexRouter and TopicNameMatches use them, on JavaScript's
 * RegExp: `matches()` (the whole topic must match) and `replaceFirst` with Java's replacement syntax (`$1`,
 * `${name}`, `\$` for a literal dollar).
 *
 * The common syntax is the same in both. What differs is translated where that is exact (leading `(?i)`-style
 * flags, `\Q...\E` quoting, `\A`, `\z`, `\Z`) and refused where it is not (possessive quantifiers, atomic groups,
 * class intersections, `\p{...}` classes, flags in mid-pattern…): a pattern that would match differently here
 * must fail validation, not route records to other topics.
 */

export interface JavaPattern {
  /** Anchored at both ends: Java's `Matcher.matches()`. */
  readonly whole: RegExp;
  /** Unanchored: what `replaceFirst` searches with. */
  readonly first: RegExp;
  readonly groupCount: number;
  readonly groupNames: ReadonlySet<string>;
}

const FLAG_MAP: Readonly<Record<string, string>> = { i: 'i', s: 's', m: 'm', u: '' };
// Start and end of the input whatever the flags (with (?m), ^ and $ match at line breaks too).
const START = '(?<![\\s\\S])';
const END = '(?![\\s\\S])';

/** Constructs with no exact JavaScript equivalent, where they are looked for, and what to call them. */
const UNSUPPORTED: ReadonlyArray<[RegExp, 'outside' | 'inside' | 'anywhere', string]> = [
  [/^\(\?>/, 'outside', 'atomic groups (?>...)'],
  [/^[*+?}]\+/, 'outside', 'possessive quantifiers'],
  [/^\(\?[a-zA-Z-]+[):]/, 'outside', 'inline flags other than at the very start'],
  [/^&&/, 'inside', 'character class intersections (&&)'],
  [/^\\[pP]/, 'anywhere', 'character properties (\\p{...})'],
  [/^\\x\{/, 'anywhere', 'code points as \\x{...}'],
];

/** Letter escapes that mean the same in both; `\a` and `\e` are rewritten, other letters refused. */
const SAME_ESCAPES = new Set('tnrfdDsSwWbBukxc'.split(''));
const REWRITTEN_ESCAPES: Readonly<Record<string, string>> = { a: '\\x07', e: '\\x1B' };

/** Translates `source` or says why it cannot; `error` is phrased as Java's "Invalid regex" would be. */
export function compileJavaRegex(source: string): JavaPattern | { error: string } {
  let rest = source;
  let flags = '';
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(rest);
  if (lead) {
    for (const f of lead[1]!) {
      const js = FLAG_MAP[f];
      if (js === undefined) return { error: `Invalid regex: the inline flag (?${f}) is not supported by this service` };
      if (!flags.includes(js)) flags += js;
    }
    rest = rest.slice(lead[0].length);
  }
  let out = '';
  let inClass = 0;
  for (let i = 0; i < rest.length; i++) {
    const tail = rest.slice(i);
    for (const [re, where, what] of UNSUPPORTED) {
      const applies = where === 'anywhere' || (where === 'inside') === (inClass > 0);
      if (applies && re.test(tail)) return { error: `Invalid regex: ${what} not supported by this service` };
    }
    const c = rest[i]!;
    if (c !== '\\') {
      if (c === '[') inClass++;
      else if (c === ']' && inClass > 0) inClass--;
      out += c;
      continue;
    }
    const next = rest[i + 1];
    i++;
    if (next === undefined) return { error: 'Invalid regex: Unexpected internal error (a trailing backslash)' };
    if (next === 'Q') {
      // \Q...\E quotes everything up to \E (or the end).
      const end = rest.indexOf('\\E', i + 1);
      out += rest.slice(i + 1, end < 0 ? undefined : end).replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
      i = end < 0 ? rest.length : end + 1;
    } else if (inClass === 0 && (next === 'A' || next === 'z' || next === 'Z')) {
      out += next === 'A' ? START : next === 'z' ? END : `(?=\\n?${END})`;
    } else if (REWRITTEN_ESCAPES[next] !== undefined) {
      out += REWRITTEN_ESCAPES[next];
    } else if (/[a-zA-Z]/.test(next) && !SAME_ESCAPES.has(next)) {
      return { error: `Invalid regex: the escape \\${next} is not supported by this service` };
    } else if (next === '0') {
      return { error: 'Invalid regex: octal escapes (\\0) are not supported by this service' };
    } else {
      out += '\\' + next;
    }
  }
  try {
    const first = new RegExp(out, flags);
    const whole = new RegExp(`${START}(?:${out})${END}`, flags);
    // An empty alternative makes exec('') succeed, which reveals the capturing groups.
    const probe = new RegExp(`${out}|`, flags).exec('')!;
    return { whole, first, groupCount: probe.length - 1, groupNames: new Set(Object.keys(probe.groups ?? {})) };
  } catch (e) {
    return { error: `Invalid regex: ${(e as Error).message}` };
  }
}

type Part = string | number | { name: string };

/** Java's `Matcher.replaceFirst` replacement string, checked against the pattern's groups once. */
export function compileJavaReplacement(replacement: string, pattern: JavaPattern): Part[] | { error: string } {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      if (i + 1 >= replacement.length) return { error: 'character to be escaped is missing' };
      text += replacement[++i];
      continue;
    }
    if (c !== '$') { text += c; continue; }
    if (i + 1 >= replacement.length) return { error: 'Illegal group reference: group index is missing' };
    if (text) { parts.push(text); text = ''; }
    const next = replacement[i + 1]!;
    if (next === '{') {
      const close = replacement.indexOf('}', i + 2);
      if (close < 0) return { error: "named capturing group is missing trailing '}'" };
      const name = replacement.slice(i + 2, close);
      if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(name)) return { error: `named capturing group has 0 length name or an illegal character: ${name}` };
      if (!pattern.groupNames.has(name)) return { error: `No group with name {${name}}` };
      parts.push({ name });
      i = close;
      continue;
    }
    if (!/\d/.test(next)) return { error: 'Illegal group reference' };
    // Java takes the first digit, then more digits while the number stays a valid group.
    let group = Number(next);
    if (group > pattern.groupCount) return { error: `No group ${group}` };
    i++;
    while (i + 1 < replacement.length && /\d/.test(replacement[i + 1]!)) {
      const longer = group * 10 + Number(replacement[i + 1]);
      if (longer > pattern.groupCount) break;
      group = longer;
      i++;
    }
    parts.push(group);
  }
  if (text) parts.push(text);
  return parts;
}

/** `input` with its first match replaced, or undefined when there is none. */
export function replaceFirst(pattern: JavaPattern, parts: readonly Part[], input: string): string | undefined {
  const m = pattern.first.exec(input);
  if (!m) return undefined;
  let out = input.slice(0, m.index);
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if (typeof p === 'number') out += m[p] ?? '';
    else out += m.groups?.[p.name] ?? '';
  }
  return out + input.slice(m.index + m[0].length);
}
