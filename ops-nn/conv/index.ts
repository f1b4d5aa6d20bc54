export * from './geometry.js';
export * from './layout.js';
