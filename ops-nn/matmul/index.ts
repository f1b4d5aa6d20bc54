export * from './spec.js';
export * from './tiling.js';
export * from './reference.js';
export * from './generator.js';
