import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcParams } from '../../../connector/protocol/fc-params.js';
import { SW } from '../../../connector/protocol/index.js';
import { EMV_AID } from './applications.js';
import { createEmvCard } from './card.js';
import { EmvTestDriver } from './test-driver.js';

const fresh = (options: Parameters<typeof createEmvCard>[1] = {}): EmvTestDriver => new EmvTestDriver(createEmvCard('emv-debit-1', options));
const BANCONTACT_PDOL_DATA = Buffer.alloc(12);

async function initiated(driver: EmvTestDriver): Promise<void> {
  expect((await driver.select(EMV_AID.MAESTRO)).sw).toBe(SW.OK);
  expect((await driver.gpo()).sw).toBe(SW.OK);
}

describe('EMV card variants', () => {
  it('without a PSE answers 6A82 to the PSE and still selects its applications by AID', async () => {
    const driver = fresh({ pse: false });
    expect((await driver.selectPse()).sw).toBe(SW.FILE_NOT_FOUND);
    expect((await driver.select(EMV_AID.MAESTRO)).sw).toBe(SW.OK);
  });

  it('with a blocked application answers 6283 for it, refuses to run it, and runs the other', async () => {
    const driver = fresh({ blockedApplications: [EMV_AID.BANCONTACT] });
    expect((await driver.select(EMV_AID.BANCONTACT)).sw).toBe(SW.SELECTED_FILE_DEACTIVATED);
    expect((await driver.gpo(BANCONTACT_PDOL_DATA)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect((await driver.readRecord(1, 1)).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    await initiated(driver);
  });

  it('blocked as a whole answers 6A81 to every SELECT', async () => {
    const driver = fresh({ cardBlocked: true });
    expect((await driver.selectPse()).sw).toBe(SW.FUNCTION_NOT_SUPPORTED);
    expect((await driver.select(EMV_AID.MAESTRO)).sw).toBe(SW.FUNCTION_NOT_SUPPORTED);
    expect((await driver.gpo()).sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
  });
});

describe('EMV card robustness', () => {
  it('answers every byte string with a status word and never throws', () => {
    const card = createEmvCard();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          fc.tuple(fc.constantFrom(0x00, 0x80), fc.constantFrom(0xa4, 0xb2, 0xa8, 0xca, 0x20, 0xae, 0x88, 0xc0), fc.uint8Array({ maxLength: 30 })).map(([cla, ins, rest]) => Uint8Array.from([cla, ins, ...rest])),
        ),
        (bytes) => {
          const answer = card.transmit(bytes) as Uint8Array;
          expect(answer.length).toBeGreaterThanOrEqual(2);
        },
      ),
      fcParams(500),
    );
  });
});
