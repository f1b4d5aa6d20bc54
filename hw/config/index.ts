export * from './types.js';
export * from './presets.js';
export * from './derive.js';
export * from './load.js';
