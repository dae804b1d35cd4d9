/**
 * Writes docs/errors.md from the error catalogue (src/errors/catalogue.ts).
 *
 *   npm run docs:errors                              writes docs/errors.md
 *   node --import tsx scripts/errors-doc.ts          prints it (e.g. `> docs/errors.md`)
 *   node --import tsx scripts/errors-doc.ts --write  writes it, as the npm script does
 *
 * test/unit/src/errors/catalogue.test.ts fails when docs/errors.md is not what this writes.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS_DOC_PATH, renderErrorsDoc } from '../src/errors/doc.js';

const args = process.argv.slice(2);
const doc = renderErrorsDoc();
if (args.includes('--write')) {
  // Run from scripts/ (tsx) or from dist/scripts/ (built): the repository root is one or two levels up.
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.endsWith(join('dist', 'scripts')) ? join(here, '..', '..') : join(here, '..');
  writeFileSync(join(root, ERRORS_DOC_PATH), doc);
  console.error(`errors-doc: wrote ${ERRORS_DOC_PATH}`);
} else if (args.length > 0) {
  console.error('usage: node --import tsx scripts/errors-doc.ts [--write]');
  process.exit(2);
} else {
  process.stdout.write(doc);
}
