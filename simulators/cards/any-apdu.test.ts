import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcParams } from '../../connector/protocol/fc-params.js';
import { createCard, listProfiles } from './registry.js';

/** ISO 7816-4 SW1 values: 61–6F (processing, warnings, errors) and 90–9F (normal processing). */
const validSw1 = (sw1: number): boolean => (sw1 >= 0x61 && sw1 <= 0x6f) || (sw1 >= 0x90 && sw1 <= 0x9f);

const header = fc.tuple(fc.constantFrom(0x00, 0x80, 0x0c, 0x84, 0xff, 0x10), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }));
const apdu = fc.oneof(
  fc.uint8Array({ maxLength: 270 }),
  fc.tuple(header, fc.uint8Array({ maxLength: 261 })).map(([h, body]) => Uint8Array.from([...h, ...body])),
);

// Every card type the lab can insert, simulated or replayed: whatever bytes arrive, an answer with a valid status
// word comes back, quickly, and the card keeps answering.
describe.each(listProfiles())('%s card', (profile) => {
  it('answers any command APDU with data and a valid status word, within 250 ms each', async () => {
    const card = createCard(profile, null);
    card.powerOn();
    await fc.assert(
      fc.asyncProperty(fc.array(apdu, { minLength: 1, maxLength: 8 }), async (commands) => {
        for (const command of commands) {
          const started = performance.now();
          const answer = await card.transmit(command);
          expect(performance.now() - started).toBeLessThan(250);
          expect(answer.length).toBeGreaterThanOrEqual(2);
          expect(validSw1(answer[answer.length - 2]!), `SW ${Buffer.from(answer.subarray(-2)).toString('hex')}`).toBe(true);
        }
      }),
      fcParams(100),
    );
  });
});
