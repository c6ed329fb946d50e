/**
 * @module inference
 * ONNX models in onnxruntime: loading, signature and metadata, column-to-input mapping, batched
 * prediction. Shared by evaluation and the model server.
 */
export { loadOnnxModel, ort, type OnnxModel, type TensorInfo } from './onnx-model.js';
export { metadataList, readOnnxFileInfo, type OnnxFileInfo } from './onnx-metadata.js';
export { planFeatures, type FeaturePlan, type PlanOptions } from './feature-plan.js';
export { choosePredictionOutput, predictTable, type ModelPredictions, type PredictOptions, type PredictResult } from './predict.js';
export { featureCountMismatch, featureMismatch, invalidModel, modelNotFound, unsupportedModelInput, unsupportedModelOutput } from './errors.js';
export * as onnxSchema from './onnx-schema.js';
