export * from './apdu.js';
export * from './generation.js';
export * from './persona-data.js';
export * from './card.js';
export { IDENTITY_TAG, ADDRESS_TAG, ADDRESS_FILE_SIZE, stripTrailingZeros } from './identity.js';
export { SIGNATURE_FILE_SIZE } from './rrn.js';
