export * from './profile.js';
export * from './read.js';
export * from './compare.js';
export * from './format.js';
