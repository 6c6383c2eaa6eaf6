export { loadHoldout, canonicalLabel } from './dataset.js';
export type { Holdout, HoldoutOptions } from './dataset.js';
export {
  loadOnnxRuntime,
  openOnnxModel,
  readOnnxSignature,
  describeSignature,
  describeTensor,
} from './onnx.js';
export type { OnnxModel, OnnxSignature, TensorSignature } from './onnx.js';
export { predict } from './predict.js';
export type { OutputColumn, RawPredictions } from './predict.js';
export { interpretPredictions } from './task.js';
export type { Interpretation, ModelPredictions, TaskSetting } from './task.js';
export {
  METRIC_NAMES,
  higherIsBetter,
  classificationMetrics,
  regressionMetrics,
  confusionCounts,
  prfFromConfusion,
  accuracyFromConfusion,
  rowLogLoss,
  rocAuc,
  sortedOrder,
  column,
  columnIsClass,
  r2FromSums,
} from './metrics.js';
export type { MetricSet, Task, ClassificationInput, PrfAverages } from './metrics.js';
export { evaluateModels, metricsFor } from './evaluate.js';
export type { Evaluation, EvaluationOptions, ModelEvaluation } from './evaluate.js';
