export * from './applications.js';
export * from './bcd.js';
export * from './card.js';
export * from './card-data.js';
export * from './oda.js';
export { EMV_AFL, EMV_AIP, EMV_CDOL1, EMV_CDOL2, EMV_DDOL, staticDataToAuthenticate, track2 } from './records.js';
export type { EmvCardOptions, EmvSelection, TransactionPhase } from './state.js';
export { EMV_PIN_TRY_LIMIT } from './verify.js';
