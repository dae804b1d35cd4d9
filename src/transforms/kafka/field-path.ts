/**
 * Field paths of KIP-821 (`field.syntax.version`): V1 names a top-level field as written; V2 walks nested structs
 * and maps with dots, a name holding dots wrapped in backticks (`` `a.b`.c ``), a backtick inside such a name
 * escaped with a backslash.
 */
import type { ConfigKeyDef } from '../../connect-api/config-def.js';

export type FieldSyntaxVersion = 'V1' | 'V2';

export const FIELD_SYNTAX_VERSION: ConfigKeyDef = {
  name: 'field.syntax.version', type: 'STRING', default: 'V1', allowed: ['V1', 'V2'], importance: 'HIGH',
  documentation: 'How field names are read. V1: a name refers to a top-level field of the struct or map. V2: dots '
    + 'separate the names of nested fields (e.g. after.id), and a name that contains dots is wrapped in backticks '
    + '(e.g. `foo.bar`.baz).',
};

/** The steps of `path` under `version`, or an error message (an unclosed backtick) for validate to show. */
export function parseFieldPath(path: string, version: FieldSyntaxVersion): string[] | { error: string } {
  if (version === 'V1') return [path];
  const steps: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] !== '`') {
      const dot = path.indexOf('.', i);
      steps.push(dot < 0 ? path.slice(i) : path.slice(i, dot));
      if (dot < 0) break;
      i = dot + 1;
      continue;
    }
    // A backticked step ends at a backtick that is unescaped and followed by a dot or the end of the path.
    const open = i;
    let name = '';
    let from = i + 1;
    let at = from;
    for (;;) {
      const close = path.indexOf('`', at);
      if (close < 0) return unclosed(path, open);
      const escaped = path[close - 1] === '\\';
      if (close === path.length - 1) {
        if (escaped) return unclosed(path, open);
        steps.push(name + path.slice(from, close));
        i = close + 1;
        break;
      }
      if (path[close + 1] !== '.') { at = close + 1; continue; }
      if (escaped) {
        name += path.slice(from, close - 1) + '`';
        from = at = close + 1;
        continue;
      }
      steps.push(name + path.slice(from, close));
      i = close + 2;
      break;
    }
  }
  if (path.endsWith('.') || steps.length === 0) steps.push('');
  return steps;
}

function unclosed(path: string, at: number): { error: string } {
  return { error: `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it` };
}
