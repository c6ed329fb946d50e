/**
 * Every operator the compiled runtime implements, by `domain/opType`: the fixture models' and
 * Sluice's trainer's operators, plus the neighbours that cost little (other activations, shape
 * operators, the ai.onnx.ml linear models and tree classifier).
 */
import type { KernelRegistry } from './kernel.js';
import { ELEMENTWISE_KERNELS } from './ops/elementwise.js';
import { LINEAR_ML_KERNELS } from './ops/linear-ml.js';
import { MATMUL_KERNELS } from './ops/matmul.js';
import { ML_TRANSFORM_KERNELS } from './ops/ml-transforms.js';
import { SHAPE_KERNELS } from './ops/shape.js';
import { SOFTMAX_KERNELS } from './ops/softmax.js';
import { TREE_CLASSIFIER_KERNELS } from './ops/tree-classifier.js';
import { TREE_REGRESSOR_KERNELS } from './ops/tree-ensemble.js';

export const DEFAULT_KERNELS: KernelRegistry = new Map([
  ...ELEMENTWISE_KERNELS,
  ...MATMUL_KERNELS,
  ...SOFTMAX_KERNELS,
  ...SHAPE_KERNELS,
  ...ML_TRANSFORM_KERNELS,
  ...LINEAR_ML_KERNELS,
  ...TREE_REGRESSOR_KERNELS,
  ...TREE_CLASSIFIER_KERNELS,
]);
