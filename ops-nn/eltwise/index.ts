export * from './qlinear-add.js';
export * from './activation.js';
export * from './pool-layout.js';
export * from './pool.js';
export * from './reference.js';
export * from './pool-requant.js';
export * from './qlinear-leaky-relu.js';
