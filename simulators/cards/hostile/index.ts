export * from './hostile-card.js';
