import { describe, expect, it } from 'vitest';
import { listCardProfiles, type CardProfile } from '../../fixtures/cards/index.js';
import { cardStatus } from './cards.js';

describe('t1c-lab cards', () => {
  it('reports every shipped card type ready', () => {
    for (const p of listCardProfiles()) expect(cardStatus(p).missing, p.id).toEqual([]);
    expect(cardStatus(listCardProfiles().find((p) => p.id === 'beid-1.7-recorded')!).card).toBe('transcript');
  });

  it('names what a new card type still lacks', () => {
    const draft: CardProfile = { id: 'acme-pki', title: 'ACME PKI card', family: 'acme', module: 'acme', atrs: [{ atr: '3B8F8001' }], defaultPersona: null, personas: [], capabilities: [] };
    expect(cardStatus(draft).missing).toEqual(['a simulator or a recorded transcript', 'ATR 3B8F8001 maps to no module in the connector, not acme', 'the connector module "acme"']);
  });
});
