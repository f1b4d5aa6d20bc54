export * from './spec.js';
export * from './tiling.js';
export * from './weights.js';
export * from './host.js';
export * from './generator.js';
export * from './slab.js';
export * from './problem.js';
