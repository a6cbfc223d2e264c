export * from './apdu.js';
export * from './card-type.js';
export * from './certificates.js';
export * from './data.js';
export * from './parse.js';
export { sign, verify, verifyPin as verifyPinOnCard, type SignRequest } from './pin.js';
export * from './signing.js';
