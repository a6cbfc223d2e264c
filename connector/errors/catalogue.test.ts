import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, type ErrorKey, type ErrorSpec } from './catalogue.js';
import { ConnectorError, isConnectorError } from './connector-error.js';
import { catalogueRows, renderErrorsMarkdown } from './docs.js';

const DOC = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const keys = Object.keys(CATALOGUE) as ErrorKey[];

/** The rows of the generated table as the document states them, parsed independently of the renderer. */
function documentedRows(): Map<string, { code: number; status: number; retryable: boolean; description: string }> {
  const rows = new Map<string, { code: number; status: number; retryable: boolean; description: string }>();
  for (const line of DOC.split('\n')) {
    const m = /^\| (\d{6}) \| `(ERR_[A-Z0-9_]+)` \| (\d{3}) \| (yes|no) \| (.+) \|$/.exec(line);
    if (m) rows.set(m[2]!, { code: Number(m[1]), status: Number(m[3]), retryable: m[4] === 'yes', description: m[5]! });
  }
  return rows;
}

describe('error catalogue', () => {
  it('has the pinned number of entries (update on purpose when adding one)', () => {
    expect(keys).toHaveLength(44); // +4 EMV, +3 auth
  });

  it('never reuses a wire code', () => {
    const codes = keys.map((k) => CATALOGUE[k].code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('uses six-digit OTTDDD codes with a known origin and type', () => {
    for (const key of keys) {
      const code = String(CATALOGUE[key].code);
      expect(code, key).toMatch(/^[1-8]\d{5}$/);
      const type = Number(code.slice(1, 3));
      expect(type, key).toBeGreaterThanOrEqual(1);
      expect(type, key).toBeLessThanOrEqual(15);
    }
  });

  it('keeps the status rules of CONTRACTS.md', () => {
    for (const [key, { code, status }] of Object.entries(CATALOGUE) as Array<[ErrorKey, ErrorSpec]>) {
      const type = Number(String(code).slice(1, 3));
      if (status === 404) expect(key).toBe('ERR_ROUTE_NOT_FOUND');
      if (status === 401) expect(key, 'only authentication uses 401').toMatch(/^ERR_AUTH_/);
      if (/PIN|CARD|READER/.test(key)) expect(status, key).not.toBe(401);
      if (status === 412) expect(type, `${key}: 412 is for PIN errors`).toBe(8);
      if (status === 409) expect(key, '409 is for a busy card').toMatch(/BUSY/);
      if (type === 4 && status !== 401) expect(status, `${key}: security errors are 401 or 403`).toBe(403);
    }
  });

  it('documents every entry, and documents nothing that is not in the catalogue', () => {
    const documented = documentedRows();
    for (const key of keys) {
      const spec = CATALOGUE[key];
      expect(documented.get(key), key).toEqual({ code: spec.code, status: spec.status, retryable: spec.retryable, description: spec.description });
    }
    expect([...documented.keys()].sort()).toEqual([...keys].sort());
  });

  it('matches the generated document byte for byte (run `npm run docs:errors` after a change)', () => {
    expect(DOC).toBe(renderErrorsMarkdown());
  });

  it('orders the document by wire code', () => {
    const codes = catalogueRows().map((r) => r.code);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
  });
});

describe('ConnectorError', () => {
  it('carries the catalogue entry of its key', () => {
    for (const key of keys) {
      const e = new ConnectorError(key, { details: { triesLeft: 2 } });
      expect([e.code, e.status, e.retryable, e.message]).toEqual([CATALOGUE[key].code, CATALOGUE[key].status, CATALOGUE[key].retryable, CATALOGUE[key].description]);
      expect(isConnectorError(e, key)).toBe(true);
    }
    expect(isConnectorError(new Error('x'))).toBe(false);
  });
});
