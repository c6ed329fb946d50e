/** Importing models trained elsewhere into ONNX with Sluice's metadata. */
export * from './errors.js';
export * from './xgboost/index.js';
