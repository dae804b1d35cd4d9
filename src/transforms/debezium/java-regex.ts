/**
 * Java's `Matcher.matches()` + `replaceFirst()` pair, which Debezium's routers use to rename topics, on JavaScript
 * regular expressions. The dialects agree on what users write in these settings (groups, named groups
 * `(?<name>…)`, classes, quantifiers); a leading `(?i)` becomes the `i` flag. What JavaScript cannot compile
 * (possessive quantifiers, `\Q…\E`, …) is refused when the config is validated, not at the first record.
 */

export interface TopicRewrite {
  /** The new name when the regex matches the whole input, else null (the input is left alone). */
  rewrite(input: string): string | null;
}

interface Pattern {
  /** Anchored at both ends: Java's `matches()`. */
  whole: RegExp;
  /** Unanchored: Java's `replaceFirst()` replaces the first match `find()` gives, which is not always the whole input. */
  first: RegExp;
}

function compile(source: string): Pattern {
  let flags = '';
  let body = source;
  if (body.startsWith('(?i)')) {
    flags = 'i';
    body = body.slice(4);
  }
  return { whole: new RegExp(`^(?:${body})$`, flags), first: new RegExp(body, flags) };
}

type Part = string | { group: number | string };

/** Java's replacement syntax: `$n` and `${name}` refer to groups, `\x` is a literal x, any other `$` is an error. */
function parseReplacement(replacement: string, groupCount: number, groupNames: ReadonlySet<string>): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      if (i + 1 >= replacement.length) throw new Error('character to be escaped is missing');
      text += replacement[++i];
      continue;
    }
    if (c !== '$') {
      text += c;
      continue;
    }
    if (text) parts.push(text);
    text = '';
    const next = replacement[i + 1];
    if (next === '{') {
      const end = replacement.indexOf('}', i + 2);
      if (end < 0) throw new Error("named capturing group is missing trailing '}'");
      const name = replacement.slice(i + 2, end);
      if (!groupNames.has(name)) throw new Error(`no group with name {${name}}`);
      parts.push({ group: name });
      i = end;
      continue;
    }
    if (next === undefined || next < '0' || next > '9') throw new Error('illegal group reference');
    // Java reads as many digits as still name an existing group ($12 is group 1 then "2" when there is no group 12).
    let group = Number(next);
    i++;
    while (i + 1 < replacement.length && /[0-9]/.test(replacement[i + 1]!) && group * 10 + Number(replacement[i + 1]) <= groupCount) {
      group = group * 10 + Number(replacement[++i]);
    }
    if (group > groupCount) throw new Error(`no group ${group}`);
    parts.push({ group });
  }
  if (text) parts.push(text);
  return parts;
}

function groupsOf(regex: RegExp): { count: number; names: Set<string> } {
  // An empty alternative always matches, so exec tells how many groups the pattern has and their names.
  const probe = new RegExp(`${regex.source}|`, regex.flags).exec('')!;
  return { count: probe.length - 1, names: new Set(Object.keys(probe.groups ?? {})) };
}

/** Why the regex or the replacement is unusable, or undefined when both are fine. */
export function topicRewriteProblem(regex: string, replacement: string | null): string | undefined {
  let pattern: Pattern;
  try {
    pattern = compile(regex);
  } catch (err) {
    return `Invalid regular expression ${JSON.stringify(regex)}: ${(err as Error).message}`;
  }
  if (replacement === null) return undefined;
  try {
    const { count, names } = groupsOf(pattern.first);
    parseReplacement(replacement, count, names);
  } catch (err) {
    return `Invalid replacement ${JSON.stringify(replacement)}: ${(err as Error).message}`;
  }
  return undefined;
}

/** True when `regex` compiles (for ConfigKeyDef.validate). */
export function regexProblem(regex: unknown): string | undefined {
  return typeof regex === 'string' ? topicRewriteProblem(regex, null) : undefined;
}

/** Throws on an invalid regex or replacement; validate first with `topicRewriteProblem`. */
export function topicRewrite(regex: string, replacement: string): TopicRewrite {
  const pattern = compile(regex);
  const { count, names } = groupsOf(pattern.first);
  const parts = parseReplacement(replacement, count, names);
  return {
    rewrite(input) {
      if (!pattern.whole.test(input)) return null;
      const m = pattern.first.exec(input)!;
      let out = input.slice(0, m.index);
      for (const p of parts) out += typeof p === 'string' ? p : (typeof p.group === 'number' ? m[p.group] : m.groups?.[p.group]) ?? '';
      return out + input.slice(m.index + m[0].length);
    },
  };
}
