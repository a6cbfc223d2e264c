import { describe, expect, it } from 'vitest';
import { SW, fromHex, toHex, verifyFailed } from '../../../connector/protocol/index.js';
import { loadBeidPersona } from '../../../fixtures/personas/index.js';
import { REDACTED_BYTE } from '../engine/index.js';
import { createBeidCard } from './card.js';
import { BeidTestDriver } from './test-driver.js';

const PERSONA = 'be-de-adult';
const pin = loadBeidPersona(PERSONA).pin;
const WRONG = '0'.repeat(pin.length) === pin ? '1'.repeat(pin.length) : '0'.repeat(pin.length);

describe.each(['beid-1.7', 'beid-1.8'] as const)('%s PIN', (profile) => {
  const fresh = () => new BeidTestDriver(createBeidCard(profile, PERSONA));

  it('counts down 63C2, 63C1, 63C0, then stays blocked with 6983 even for the right PIN', async () => {
    const driver = fresh();
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(2));
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(1));
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(0));
    expect((await driver.verify(pin)).sw).toBe(SW.AUTH_METHOD_BLOCKED);
    expect((await driver.pinStatus()).sw).toBe(SW.AUTH_METHOD_BLOCKED);
    expect((await driver.changePin(pin, '98765')).sw).toBe(SW.AUTH_METHOD_BLOCKED);
  });

  it('restores the tries with a right PIN', async () => {
    const driver = fresh();
    await driver.verify(WRONG);
    await driver.verify(WRONG);
    expect((await driver.verify(pin)).sw).toBe(SW.OK);
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(2));
  });

  it('keeps the counter across reset, power-off and re-insertion; a new card instance starts at 3', async () => {
    const driver = fresh();
    await driver.verify(WRONG);
    driver.card.reset();
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(1));
    driver.card.powerOff();
    driver.card.powerOn();
    expect((await driver.pinStatus()).sw).toBe(verifyFailed(1));
    expect((await fresh().pinStatus()).sw).toBe(verifyFailed(3));
  });

  it('refuses malformed VERIFY without costing a try', async () => {
    const driver = fresh();
    const raw = (hex: string) => driver.raw(fromHex(hex));
    expect((await raw('0020000108 3412FFFFFFFFFFFF')).sw).toBe(SW.WRONG_DATA); // control nibble 3
    expect((await raw('0020000108 2312FFFFFFFFFFFF')).sw).toBe(SW.WRONG_DATA); // length 3
    expect((await raw('0020000108 24123AFFFFFFFFFF')).sw).toBe(SW.WRONG_DATA); // non-digit
    expect((await raw('0020000108 241234FFFFFFFF00')).sw).toBe(SW.WRONG_DATA); // padding not F
    expect((await raw('0020000106 241234FFFFFF')).sw).toBe(SW.WRONG_LENGTH);
    expect((await raw('0020000105')).sw).toBe(SW.WRONG_LENGTH); // Lc without data
    expect((await raw('0020010108 241234FFFFFFFFFF')).sw).toBe(SW.INCORRECT_P1P2);
    expect((await raw('0020000208 241234FFFFFFFFFF')).sw).toBe(SW.REFERENCE_DATA_NOT_FOUND);
    expect((await raw('8020000108 241234FFFFFFFFFF')).sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect((await driver.pinStatus()).sw).toBe(verifyFailed(3));
  });

  it('changes the PIN: the old one stops working, the new one works, and the change grants the right', async () => {
    const driver = fresh();
    expect((await driver.changePin(pin, '24680')).sw).toBe(SW.OK);
    expect((await driver.pinStatus()).sw).toBe(SW.OK);
    expect((await driver.verify(pin)).sw).toBe(verifyFailed(2));
    expect((await driver.verify('24680')).sw).toBe(SW.OK);
  });

  it('counts a wrong old PIN in CHANGE and refuses malformed CHANGE without cost', async () => {
    const driver = fresh();
    expect((await driver.changePin(WRONG, '24680')).sw).toBe(verifyFailed(2));
    expect((await driver.raw(fromHex(`0024000108${'24123'.padEnd(16, 'F')}`))).sw).toBe(SW.WRONG_LENGTH);
    expect((await driver.raw(fromHex(`0024000110${'241234'.padEnd(16, 'F')}${'3'.padEnd(16, 'F')}`))).sw).toBe(SW.WRONG_DATA);
    expect((await driver.raw(fromHex(`0024000210${'241234'.padEnd(16, 'F')}${'241234'.padEnd(16, 'F')}`))).sw).toBe(SW.REFERENCE_DATA_NOT_FOUND);
    expect((await driver.pinStatus()).sw).toBe(verifyFailed(2));
    expect((await driver.verify(pin)).sw).toBe(SW.OK);
  });

  it('answers RESET RETRY COUNTER with 6982 (administrator only)', async () => {
    expect((await fresh().raw(fromHex('002C000100'))).sw).toBe(SW.SECURITY_STATUS_NOT_SATISFIED);
  });

  it('masks VERIFY, CHANGE and RESET RETRY COUNTER data in traces', () => {
    const card = createBeidCard(profile, PERSONA);
    const mask = REDACTED_BYTE.toString(16).toUpperCase();
    expect(toHex(card.redactCommand(fromHex('0020000108241234FFFFFFFFFF')))).toBe(`0020000108${mask.repeat(8)}`);
    expect(toHex(card.redactCommand(fromHex(`0024000110${'241234'.padEnd(16, 'F')}${'2698765'.padEnd(16, 'F')}`)))).toBe(`0024000110${mask.repeat(16)}`);
    expect(toHex(card.redactCommand(fromHex('0020000100')))).toBe('0020000100');
    expect(toHex(card.redactCommand(fromHex('002C00010824123FFFFFFFFFFF')))).toBe(`002C000108${mask.repeat(8)}`);
    expect(toHex(card.redactCommand(fromHex('00A4080C043F00DF00')))).toBe('00A4080C043F00DF00');
  });
});
