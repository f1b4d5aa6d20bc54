export * from './spec.js';
export * from './reference.js';
export * from './generator.js';
