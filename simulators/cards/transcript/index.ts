export * from './card.js';
export * from './load.js';
