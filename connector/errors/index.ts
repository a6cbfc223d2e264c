export * from './catalogue.js';
export * from './connector-error.js';
