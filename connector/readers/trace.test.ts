import { describe, expect, it } from 'vitest';
import { createBeidCard } from '../../simulators/cards/beid/index.js';
import { CardLink } from '../../simulators/vpcd/card-link.js';
import { verifyPin } from '../modules/beid/pin.js';
import { encodePinBlock, toHex } from '../protocol/index.js';
import { waitForReader } from './backend-suite.js';
import { EmbeddedBackend, embeddedReaderName } from './embedded/backend.js';
import { DEFAULT_BOUNDS, type ApduTraceEvent } from './raw-card.js';

describe('APDU trace', () => {
  it('records every exchange with PIN-bearing data masked', async () => {
    const events: ApduTraceEvent[] = [];
    const backend = new EmbeddedBackend({ ports: [0] }, DEFAULT_BOUNDS, (e) => events.push(e));
    await backend.start();
    const canary = '739164';
    const card = createBeidCard('beid-1.7', 'be-nl-adult');
    const link = new CardLink(card, { port: backend.ports()[0]!, reconnect: false });
    try {
      await link.insert();
      const reader = await waitForReader(backend, embeddedReaderName(0), (r) => r.card !== null);
      await expect(backend.withSession(reader.id, (ch) => verifyPin(ch, Buffer.from(canary)))).rejects.toThrow();
      const lines = events.map((e) => `> ${toHex(e.command)} < ${e.response ? toHex(e.response) : '-'}`).join('\n');
      expect(lines).toMatch(/> 00200001082A2A2A2A2A2A2A2A < 63C2/);
      expect(lines).toMatch(/> 80E60000 < 9000/);
      expect(lines).not.toContain(toHex(encodePinBlock(Buffer.from(canary))));
      expect(lines).not.toContain(canary);
    } finally {
      await link.remove();
      await backend.stop();
    }
  });
});
