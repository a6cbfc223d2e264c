import { CATALOGUE, type ErrorKey, type ErrorSpec } from './catalogue.js';

const STATUS_MEANING: Readonly<Record<ErrorSpec['status'], string>> = {
  400: 'input',
  401: 'authentication only',
  403: 'origin, host or consent',
  404: 'unknown route only',
  409: 'card busy',
  412: 'PIN wrong or blocked',
  413: 'body too large',
  422: 'card-level failure',
  431: 'headers too large',
  500: 'bug',
  503: 'reader service unavailable or queue full',
};

/** Catalogue entries in wire-code order: the order of the generated document. */
export function catalogueRows(): Array<{ key: ErrorKey } & ErrorSpec> {
  return (Object.entries(CATALOGUE) as Array<[ErrorKey, ErrorSpec]>)
    .map(([key, spec]) => ({ key, ...spec }))
    .sort((a, b) => a.code - b.code);
}

/** Renders `docs/errors.md` from the catalogue. Deterministic: same catalogue, same bytes. */
export function renderErrorsMarkdown(): string {
  const lines = [
    '# Connector error codes',
    '',
    '<!-- Generated from connector/errors/catalogue.ts by `npm run docs:errors`. Do not edit by hand. -->',
    '',
    'Every error response is JSON `{ "success": false, "code": <number>, "description": "…", "details"?: {…} }`',
    'with the HTTP status below — never an empty body. Codes follow the vendor scheme `OTTDDD` (origin, type,',
    'detail; see spec/t1c-v3-api.md §1.4). A code is never reused. `retryable` says whether the same request',
    'may succeed later without change.',
    '',
    '| code | key | HTTP | retryable | description |',
    '|---|---|---|---|---|',
    ...catalogueRows().map((r) => `| ${r.code} | \`${r.key}\` | ${r.status} | ${r.retryable ? 'yes' : 'no'} | ${r.description} |`),
    '',
    '## HTTP statuses',
    '',
    '| HTTP | used for |',
    '|---|---|',
    ...Object.entries(STATUS_MEANING).map(([status, meaning]) => `| ${status} | ${meaning} |`),
    '',
    'The official SDK maps every 401 to "Unauthorized" and (from 3.7) every 404 to "Functionality not found",',
    'so no card, PIN or reader error uses either status.',
    '',
  ];
  return lines.join('\n');
}
