export * from './spec.js';
export * from './reference.js';
export * from './generator.js';
export * from './fp16.js';
