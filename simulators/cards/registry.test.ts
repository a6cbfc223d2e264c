import { describe, expect, it } from 'vitest';
import { toHex } from '../../connector/protocol/index.js';
import isoEchoProfile from '../../fixtures/cards/iso-echo.json' with { type: 'json' };
import { createCard, listProfiles, parseCardSpec, prepareCard } from './registry.js';

describe('card registry', () => {
  it('knows iso-echo and makes a fresh instance each time', () => {
    expect(listProfiles()).toContain('iso-echo');
    const a = createCard('iso-echo', null);
    const b = createCard('iso-echo', null);
    expect(a).not.toBe(b);
    expect(a.profile).toBe('iso-echo');
    expect(isoEchoProfile.atrs.map((x) => x.atr)).toContain(toHex(a.atr));
  });

  it('gives iso-echo no persona and no PIN', () => {
    const prepared = prepareCard('iso-echo', null);
    expect(prepared.persona).toBeNull();
    expect(prepared.pin).toBeNull();
  });

  it('refuses unknown profiles and personas a profile does not take', () => {
    expect(() => createCard('no-such-card', null)).toThrow(/unknown card profile "no-such-card"; known: .*iso-echo/);
    expect(() => createCard('iso-echo', 'be-nl-adult')).toThrow(/takes no persona/);
  });

  it('parses PROFILE[:PERSONA]', () => {
    expect(parseCardSpec('iso-echo')).toEqual({ profile: 'iso-echo', persona: null });
    expect(parseCardSpec('beid-1.8:be-fr-adult')).toEqual({ profile: 'beid-1.8', persona: 'be-fr-adult' });
    for (const bad of ['', ':x', 'a:', 'a:b:c']) expect(() => parseCardSpec(bad)).toThrow(/PROFILE\[:PERSONA\]/);
  });
});
