export * from './common.js';
export * from './quantize-linear.js';
export * from './dequantize-linear.js';
export * from './ascend-quant.js';
export * from './ascend-dequant.js';
export * from './requant.js';
export * from './shift.js';
export * from './reference.js';
