/**
 * docs/errors.md, written from the catalogue. `npm run docs:errors` writes the file; a unit test
 * (test/unit/src/errors/catalogue.test.ts) fails when the file differs from what this returns.
 */
import { ERROR_AREAS, ERROR_CATALOGUE, type ErrorArea, type ErrorCode, type ErrorSpec } from './catalogue.js';

export const ERRORS_DOC_PATH = 'docs/errors.md';
export const ERRORS_DOC_COMMAND = 'npm run docs:errors';

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function retriableCell(spec: ErrorSpec): string {
  if (spec.retriable === 'depends') return cell(`depends: ${spec.when}`);
  return spec.retriable ? 'yes' : 'no';
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function anchor(title: string): string {
  return title.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

export function renderErrorsDoc(): string {
  const byArea = new Map<ErrorArea, Array<[ErrorCode, ErrorSpec]>>();
  for (const [code, spec] of Object.entries(ERROR_CATALOGUE) as Array<[ErrorCode, ErrorSpec]>) {
    const list = byArea.get(spec.area) ?? [];
    list.push([code, spec]);
    byArea.set(spec.area, list);
  }
  const areas = (Object.keys(ERROR_AREAS) as ErrorArea[]).filter((a) => byArea.has(a));
  const out: string[] = [
    '# Error codes',
    '',
    `<!-- Generated from src/errors/catalogue.ts by \`${ERRORS_DOC_COMMAND}\`; do not edit by hand. -->`,
    '',
    'Every error tscdc reports carries a stable **code**, a **retriable** flag and a **fix**. They appear as',
    '`CODE: message Fix: what to do` in a FAILED connector\'s or task\'s `trace` (`GET /connectors/{name}/status`), in',
    '`validate` answers, in the message of a REST 500 response and in the worker\'s log lines.',
    '',
    '- **retriable** — *yes*: trying again can succeed without a human; a running task retries by itself, with',
    '  backoff (bounded by `errors.max.retries` where that applies). *no*: a person has to act; a task that meets it',
    '  is FAILED until restarted (`POST /connectors/{name}/restart`). *depends*: the code is raised both ways, as noted.',
    '- **what to do** — the general fix. The error itself usually carries a sharper one, naming the key, the table',
    '  or the GRANT to run; this text is used where it does not.',
    '',
    `Areas: ${areas.map((a) => `[${ERROR_AREAS[a]}](#${anchor(ERROR_AREAS[a])})`).join(' · ')}.`,
  ];
  for (const area of areas) {
    out.push('', `## ${ERROR_AREAS[area]}`, '', '| code | retriable | meaning | what to do |', '|---|---|---|---|');
    for (const [code, spec] of byArea.get(area)!) {
      out.push(`| \`${code}\` | ${retriableCell(spec)} | ${cell(spec.meaning)} | ${cell(spec.fix)} |`);
    }
  }
  return `${out.join('\n')}\n`;
}
