/**
 * The one place secrets are taken out of text (error messages, traces, log lines): `maskTokens`.
 *
 * A secret is replaced only where it stands as a whole token — bounded on each side by the start/end of the text
 * or by a character that is not a letter, digit or `_` (whitespace, quotes, `:=,;/@()[]{}<>.?&%`…). Replacing every
 * occurrence instead turned "Fix:" into "Fi[hidden]:" for the password `x`; a short secret inside a word says
 * nothing about the secret, and a secret that leaks is quoted whole (in a URL, after `=`, between quotes).
 * It lives here, under errors, because every layer that builds a message (kafka, connect-api, herder) may use it.
 */

/** What is shown instead of a secret. */
export const MASK = '[hidden]';

const WORD = /[\p{L}\p{N}_]/u;

function isBoundary(text: string, index: number): boolean {
  return index < 0 || index >= text.length || !WORD.test(text[index]!);
}

/**
 * The forms a secret takes in text: as is, URL-encoded (connection strings) and JSON-escaped (a config shown as
 * JSON). Values that are empty or only whitespace are no secret worth masking: replacing spaces would mangle text.
 */
function formsOf(secret: string): string[] {
  if (secret.trim() === '') return [];
  const forms = new Set([secret, secret.trim()]);
  for (const s of [...forms]) {
    forms.add(encodeURIComponent(s));
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  return [...forms];
}

/**
 * `text` with each whole-token occurrence of each secret replaced by `replacement(secret)` (default `[hidden]`).
 * Occurrences are found in the original text and overlapping ones merged, so the mask of one secret never gives
 * another a boundary, and one secret that contains another is removed whole.
 */
export function maskTokens(text: string, secrets: Iterable<string>, replacement: (secret: string) => string = () => MASK): string {
  if (text === '') return text;
  const spans: { start: number; end: number; by: string }[] = [];
  for (const secret of secrets) {
    if (typeof secret !== 'string') continue;
    for (const form of formsOf(secret)) {
      for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) {
        const end = at + form.length;
        if (isBoundary(text, at - 1) && isBoundary(text, end)) spans.push({ start: at, end, by: secret });
      }
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let cursor = 0;
  for (let i = 0; i < spans.length; ) {
    // The first span at this position is the longest; absorb every span that overlaps the merged one.
    const first = spans[i]!;
    let end = first.end;
    for (i++; i < spans.length && spans[i]!.start < end; i++) end = Math.max(end, spans[i]!.end);
    out += text.slice(cursor, first.start) + replacement(first.by);
    cursor = end;
  }
  return out + text.slice(cursor);
}
