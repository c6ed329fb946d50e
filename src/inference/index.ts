/**
 * @module inference
 * ONNX models in onnxruntime (or, for small verified graphs, compiled to JavaScript): loading,
 * signature and metadata, column-to-input mapping, batched prediction. Shared by evaluation and
 * the model server.
 */
export { loadOnnxModel, onnxFilesIn, ort, RUNTIME_CHOICES, type LoadOnnxOptions, type OnnxModel, type RuntimeChoice, type TensorInfo } from './onnx-model.js';
export type { RuntimeInfo } from './compiled/compiled-runtime.js';
export { metadataList, readOnnxFileInfo, type OnnxFileInfo } from './onnx-metadata.js';
export { planFeatures, type FeaturePlan, type PlanOptions } from './feature-plan.js';
export { choosePredictionOutput, predictTable, type ModelPredictions, type PredictOptions, type PredictResult } from './predict.js';
export { featureCountMismatch, featureMismatch, invalidModel, modelNotFound, unsupportedModelInput, unsupportedModelOutput } from './errors.js';
export * as onnxSchema from './onnx-schema.js';
export { numericValues, textValues } from './feature-plan.js';
export { readOnnxGraph, type Attributes, type Constant, type GraphNode, type OnnxGraph } from './compiled/onnx-graph.js';
export { readTreeTables, BRANCH_MODES, type TreeTables } from './compiled/ops/tree-tables.js';
export { writeCheckedModel } from './write-checked-model.js';
