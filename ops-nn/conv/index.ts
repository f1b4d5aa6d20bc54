export * from './geometry.js';
export * from './layout.js';
export * from './fp16.js';
export * from './gemm-shape.js';
export * from './depthwise.js';
