import { describe, expect, it } from 'vitest';
import { PinObject } from './pin.js';

const digits = (s: string): Buffer => Buffer.from(s, 'ascii');

describe('PinObject', () => {
  it('counts down wrong PINs, blocks at zero, and a right PIN restores the tries', () => {
    const pin = new PinObject({ reference: 1, value: digits('1234'), maxTries: 3 });
    expect(pin.verify(digits('0000'))).toEqual({ result: 'wrong', triesLeft: 2 });
    expect(pin.verify(digits('1234'))).toEqual({ result: 'ok' });
    expect(pin.triesLeft).toBe(3);
    expect(pin.verify(digits('12345'))).toEqual({ result: 'wrong', triesLeft: 2 });
    expect(pin.verify(digits('123'))).toEqual({ result: 'wrong', triesLeft: 1 });
    expect(pin.verify(digits('4321'))).toEqual({ result: 'wrong', triesLeft: 0 });
    expect(pin.blocked).toBe(true);
    expect(pin.verify(digits('1234'))).toEqual({ result: 'blocked' });
  });

  it('copies the value it is given and replaces it on change', () => {
    const value = digits('1234');
    const pin = new PinObject({ reference: 1, value, maxTries: 3 });
    value.fill(0);
    expect(pin.verify(digits('1234'))).toEqual({ result: 'ok' });
    pin.replace(digits('987654'));
    expect(pin.verify(digits('1234'))).toEqual({ result: 'wrong', triesLeft: 2 });
    expect(pin.verify(digits('987654'))).toEqual({ result: 'ok' });
    expect(() => pin.replace(digits('12a4'))).toThrow();
  });

  it('refuses values and counters a card cannot hold', () => {
    expect(() => new PinObject({ reference: 1, value: digits('123'), maxTries: 3 })).toThrow();
    expect(() => new PinObject({ reference: 1, value: digits('1234'), maxTries: 16 })).toThrow();
  });
});
