import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors/index.js';
import { BulkPinStore, withSigningPin } from './bulk-pin.js';

const pin = (digits: string): Buffer => Buffer.from(digits);

describe('withSigningPin', () => {
  it('uses the request PIN, stores it in bulk mode once accepted, and zeroes what it was given', async () => {
    const store = new BulkPinStore();
    const given = pin('1234');
    expect(await withSigningPin(store, { caller: 'a', readerId: 'r', bulk: true, pin: given }, async (p, fromStore) => `${p.toString()} ${fromStore}`)).toBe('1234 false');
    expect(given.every((b) => b === 0)).toBe(true);
    expect(await withSigningPin(store, { caller: 'a', readerId: 'r', bulk: true, pin: null }, async (p, fromStore) => `${p.toString()} ${fromStore}`)).toBe('1234 true');
    store.close();
  });

  it('never stores a refused PIN, and forgets a stored one the card refuses', async () => {
    const store = new BulkPinStore();
    const refuse = async (): Promise<never> => {
      throw new ConnectorError('ERR_PIN_WRONG');
    };
    await expect(withSigningPin(store, { caller: 'a', readerId: 'r', bulk: true, pin: pin('9999') }, refuse)).rejects.toMatchObject({ key: 'ERR_PIN_WRONG' });
    expect(store.get('a', 'r')).toBeNull();
    await withSigningPin(store, { caller: 'a', readerId: 'r', bulk: true, pin: pin('1234') }, async () => 'ok');
    await expect(withSigningPin(store, { caller: 'a', readerId: 'r', bulk: true, pin: null }, refuse)).rejects.toMatchObject({ key: 'ERR_PIN_WRONG' });
    expect(store.get('a', 'r')).toBeNull();
    store.close();
  });

  it('keeps the stored PIN when the failure is not the PIN, and keeps callers apart', async () => {
    const store = new BulkPinStore();
    await withSigningPin(store, { caller: 'a', readerId: 'r', bulk: true, pin: pin('1234') }, async () => 'ok');
    await expect(
      withSigningPin(store, { caller: 'a', readerId: 'r', bulk: true, pin: null }, async () => {
        throw new ConnectorError('ERR_CARD_BUSY');
      }),
    ).rejects.toMatchObject({ key: 'ERR_CARD_BUSY' });
    expect(store.get('a', 'r')?.toString()).toBe('1234');
    await expect(withSigningPin(store, { caller: 'b', readerId: 'r', bulk: true, pin: null }, async () => 'never')).rejects.toMatchObject({ key: 'ERR_PIN_REQUIRED' });
    await expect(withSigningPin(store, { caller: 'a', readerId: 'r', bulk: false, pin: null }, async () => 'never')).rejects.toMatchObject({ key: 'ERR_PIN_REQUIRED' });
    store.close();
  });
});
