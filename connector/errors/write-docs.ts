/**
 * Writes docs/errors.md (or the path given) from the catalogue: `npm run docs:errors` at the repo root.
 * The test `docs.test.ts` fails when the committed file and the catalogue drift apart.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderErrorsMarkdown } from './docs.js';

const target = resolve(process.argv[2] ?? 'docs/errors.md');
writeFileSync(target, renderErrorsMarkdown());
console.warn(`wrote ${target}`);
