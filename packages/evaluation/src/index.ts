export { loadHoldout, canonicalLabel } from './dataset.js';
export type { Holdout, HoldoutOptions, MissingValues } from './dataset.js';
export { loadOnnxRuntime, openOnnxModel, readOnnxSignature, describeSignature, describeTensor } from './onnx.js';
export type { OnnxModel, OnnxSignature, TensorSignature } from './onnx.js';
export { predict } from './predict.js';
export type { OutputColumn, RawPredictions } from './predict.js';
export { interpretPredictions, interpretationRows } from './task.js';
export { MULTILABEL_THRESHOLD } from './multi-target.js';
export type { Interpretation, InterpretOptions, ModelPredictions, TaskSetting } from './task.js';
export {
  METRIC_NAMES,
  higherIsBetter,
  confusionCounts,
  prfFromConfusion,
  accuracyFromConfusion,
  rowLogLoss,
  column,
  columnIsClass,
  r2FromSums,
} from './metrics.js';
export type { MetricSet, Task, PrfAverages, ClassCurves, PerClass } from './metrics.js';
export { sortedOrder, rocAuc, binaryRanking, thresholdCounts } from './ranking.js';
export type { BinaryRanking, ThresholdCounts } from './ranking.js';
export { classificationMetrics, oneHot, ovoPairs } from './classification.js';
export type { ClassificationInput, MetricOptions } from './classification.js';
export { regressionMetrics } from './regression.js';
export type { RegressionOptions, MultiOutput } from './regression.js';
export { multilabelMetrics } from './multilabel.js';
export type { MultilabelInput } from './multilabel.js';
export { confusionMetric, normalizeConfusion, betaOf, averagedPrf, perClassPrf } from './confusion-metrics.js';
export type { ConfusionFn, ZeroDivision, PrfKind, ClassCounts } from './confusion-metrics.js';
export { rocCurveOnGrid, prCurveOnGrid, calibrationCurve, CURVE_POINTS } from './curves.js';
export type { Curve, CalibrationCurve } from './curves.js';
export { evaluateModels, metricsFor } from './evaluate.js';
export type { Evaluation, EvaluationOptions, ModelEvaluation } from './evaluate.js';
