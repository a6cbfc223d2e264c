export * from './errors.js';
export * from './hex.js';
export * from './apdu.js';
export * from './sw.js';
export * from './tlv-ber.js';
export * from './tlv-simple.js';
export * from './pin-block.js';
export * from './vpcd.js';
