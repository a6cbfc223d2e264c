import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RUN_PLAN, SCENARIOS, SIGN_DIGEST_BASE64, scenario, scenarioUrlPath, signBody } from './scenarios.js';
import { loadPersona } from '../fixtures/personas/index.js';

describe('load scenarios', () => {
  it('sign the SHA-256 of "t1c-lab load", a digest of the length the algorithm names', () => {
    expect(Buffer.from(SIGN_DIGEST_BASE64, 'base64')).toEqual(createHash('sha256').update('t1c-lab load').digest());
  });

  it('have unique names, and every signing scenario names a reader in its path', () => {
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
    for (const s of SCENARIOS) {
      expect(s.path.includes('{readerId}')).toBe(s.target !== 'none');
      expect(s.signs).toBe(s.method === 'POST');
      expect(s.thresholds.p95Ms).toBeLessThan(s.thresholds.p99Ms);
    }
  });

  it('send the PIN in every request, once (bulk), or never, as the scenario says', () => {
    expect(scenario('beid_bulk_sign').query).toBe('?bulk=true');
    expect(scenario('beid_sign').pin).toBe('every');
    expect(signBody('1234')).toEqual({ algorithm: 'sha256', data: SIGN_DIGEST_BASE64, pin: '1234' });
    expect(signBody(null)).not.toHaveProperty('pin');
    expect(scenarioUrlPath(scenario('beid_bulk_sign'), 'abc')).toBe('/v3/modules/beid/apps/token/readers/abc/sign?bulk=true');
    expect(() => scenarioUrlPath(scenario('beid_sign'), null)).toThrow(/reader id/);
  });

  it('use signing personas that exist and have a PIN (distinct cards in one run)', () => {
    expect(new Set(RUN_PLAN.signingPersonas).size).toBe(RUN_PLAN.signingPersonas.length);
    for (const persona of RUN_PLAN.signingPersonas) expect(loadPersona(persona).pin).toMatch(/^\d{4,12}$/);
    expect(Math.max(...RUN_PLAN.cardCounts)).toBeLessThanOrEqual(RUN_PLAN.signingPersonas.length);
  });
});
