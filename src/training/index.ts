/**
 * @module training
 * Built-in trainers (logistic regression, linear and ridge regression, gradient-boosted trees)
 * and their export to ONNX with the feature preparation inside the graph.
 */
export { trainModel, inMemoryPredictions, sortLabels, type TrainOptions, type TrainResult } from './train.js';
export { ALGORITHMS, ALGORITHM_PARAMS, parseAlgorithmParams, parseKeyValues, type Algorithm } from './params.js';
export { exportOnnx, type TrainedModel, type TrainingTask } from './export-onnx.js';
export { fitFeatureSpec, transformFeatures, type FeatureSpec } from './features.js';
export { OnnxGraphBuilder, type AttributeValue, type ElementType, type TensorValue } from './onnx/graph-builder.js';
export { exportMismatch, invalidTrainingParam, noFeatures, unsuitableTarget } from './errors.js';
