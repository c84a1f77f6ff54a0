/**
 * Tensile: Keras-style deep learning for TypeScript.
 *
 * @example
 * import { Sequential, Dense, SGD, setRandomSeed } from 'tensile';
 * setRandomSeed(42);
 * const model = new Sequential([new Dense(8, { activation: 'relu', inputShape: [4] }), new Dense(1, { activation: 'sigmoid' })]);
 * model.compile({ optimizer: new SGD(), loss: 'binary_crossentropy', metrics: ['accuracy'] });
 */

// Sections follow the source tree, because Biome keeps these exports sorted by path.
// Activations (by Keras name).
export { type ActivationName, getActivation } from './activations/index.js';
// Autograd: gradients of any function of tensors.
export { valueAndGrads } from './autograd/backward.js';
// Backends: the Backend contract (with the fused sequence kernels' argument types) and selection;
// the ts reference backend and the wasm SIMD backend.
export type {
  Backend,
  RnnCellKind,
  RnnSequenceArgs,
  RnnSequenceBackwardInputs,
  RnnSequenceGrads,
  RnnSequenceResult,
  WindowGeometry,
  WindowKernels,
} from './backend/backend.js';
export { getBackend, setBackend, withBackend } from './backend/select.js';
export { createTsBackend, tsBackend } from './backends/ts/index.js';
export {
  createWasmBackend,
  type WasmBackendHandle,
  type WasmBackendOptions,
  wasmAvailable,
  wasmBackend,
} from './backends/wasm/index.js';
// Callbacks.
export { Callback, type Logs, type TrainParams } from './callbacks/callback.js';
export { History } from './callbacks/history.js';
export type {
  CSVLoggerArgs,
  EarlyStoppingArgs,
  LambdaCallbackArgs,
  ModelCheckpointArgs,
  MonitorMode,
  ReduceLROnPlateauArgs,
  Schedule,
} from './callbacks/index.js';
export {
  CSVLogger,
  EarlyStopping,
  LambdaCallback,
  LearningRateScheduler,
  ModelCheckpoint,
  monitorDirection,
  ReduceLROnPlateau,
  TerminateOnNaN,
} from './callbacks/index.js';
export { ProgressBar } from './callbacks/progress-bar.js';
export { TensorBoard, type TensorBoardArgs } from './callbacks/tensorboard.js';
// Live dashboard for fit and studies.
export {
  Dashboard,
  type DashboardArgs,
  type DashboardOptions,
  type DashboardServer,
  startDashboard,
} from './dashboard/index.js';
// Data sets and preprocessing.
export * from './data/index.js';
// Memory scopes and moving tensors between backends.
export { copyToBackend, keep, scope } from './engine/engine.js';
// Errors.
export { DTypeError, ShapeError, TensileError, ValueError } from './errors.js';
// Initializers (a namespace: `zeros`/`ones` would clash with the ops).
export * as initializers from './initializers/index.js';
// Model files (.keras, legacy .h5, .weights.h5).
export {
  type LayerClass,
  type LoadModelOptions,
  loadModel,
  loadWeights,
  ModelFileError,
  saveModel,
  saveWeights,
} from './io/index.js';
// Layers: core, normalization, embeddings, and recurrent layers (cells, the generic loop, masks).
export { Activation } from './layers/activation.js';
export { ELU, LeakyReLU, ReLU, type ReLUArgs, Softmax } from './layers/activation-layers.js';
export { BatchNormalization, type BatchNormalizationArgs } from './layers/batch-normalization.js';
export { Bidirectional, type BidirectionalArgs, type MergeMode } from './layers/bidirectional.js';
// Convolution, pooling and reshaping layers.
export { type ConvArgs, ConvBase, kerasAutoName, type SpatialSize } from './layers/conv-base.js';
export { Conv1D } from './layers/conv1d.js';
export { Conv2D } from './layers/conv2d.js';
export { Dense, type DenseArgs } from './layers/dense.js';
export { Dropout, type DropoutArgs } from './layers/dropout.js';
export { Embedding, type EmbeddingArgs } from './layers/embedding.js';
export { Flatten } from './layers/flatten.js';
export {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalPooling,
  type GlobalPoolingArgs,
} from './layers/global-pooling.js';
export { Input, type InputArgs, InputLayer } from './layers/input-layer.js';
export {
  type ApplyOptions,
  type CallContext,
  clearSession,
  Layer,
  type LayerArgs,
  type LayerOutput,
  type SymbolicShape,
} from './layers/layer.js';
export { Add } from './layers/merge/add.js';
export { Average } from './layers/merge/average.js';
export { Concatenate, type ConcatenateArgs } from './layers/merge/concatenate.js';
export { Maximum, Minimum } from './layers/merge/extrema.js';
export { ElementwiseMerge, Merge } from './layers/merge/merge.js';
export { Multiply } from './layers/merge/multiply.js';
export { Subtract } from './layers/merge/subtract.js';
export {
  AveragePooling1D,
  AveragePooling2D,
  MaxPooling1D,
  MaxPooling2D,
  Pooling,
  type PoolingArgs,
} from './layers/pooling.js';
export { RepeatVector } from './layers/repeat-vector.js';
export { Rescaling } from './layers/rescaling.js';
export { Reshape } from './layers/reshape.js';
export type { CellArgs, CellWeights, RecurrentCell, StepDropout } from './layers/rnn/cell.js';
export { GRU, type GRUArgs } from './layers/rnn/gru.js';
export { GRUCell, type GRUCellArgs } from './layers/rnn/gru-cell.js';
export { LSTM, type LSTMArgs } from './layers/rnn/lstm.js';
export { LSTMCell, type LSTMCellArgs } from './layers/rnn/lstm-cell.js';
export { getKerasMask, setKerasMask } from './layers/rnn/masking.js';
export { checkInitialStates, RNN, type RNNArgs, type RunOptions, runRnn } from './layers/rnn/rnn.js';
export { SimpleRNN, type SimpleRNNArgs } from './layers/rnn/simple-rnn.js';
export { SimpleRNNCell } from './layers/rnn/simple-rnn-cell.js';
export { formatSymbolicShape, Node, SymbolicTensor } from './layers/symbolic.js';
export { TimeDistributed } from './layers/time-distributed.js';
// Losses.
export {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  Loss,
  type LossFn,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
} from './losses/index.js';
// Metrics.
export { Metric, type MetricFn, resolveMetric } from './metrics/index.js';
// Models: one layer graph (Functional), Sequential as its linear case.
export { type LayerGraph, layerGraph, runGraph } from './models/graph.js';
export { Model, type ModelArgs } from './models/model.js';
export { Sequential } from './models/sequential.js';
// Convolutions and pooling.
export { type Conv1dOptions, type Conv2dOptions, conv1d, conv2d, extractPatches } from './ops/conv.js';
export {
  type ConvGeometry,
  type ConvPadding,
  convGeometry,
  type WindowOptions,
  windowIndices,
} from './ops/conv-geometry.js';
// Ops (elementwise, linear algebra, reductions, layout, nn) and the fused recurrent sequence ops.
export * from './ops/index.js';
export {
  avgPool1d,
  avgPool2d,
  maxPool1d,
  maxPool2d,
  type Pool1dOptions,
  type Pool2dOptions,
} from './ops/pool.js';
export {
  gruSequence,
  lstmSequence,
  rnnSequence,
  type SequenceOptions,
  type SequenceOutput,
  simpleRnnSequence,
} from './ops/rnn.js';
export { CosineDecayRestarts } from './optimizers/cosine-restarts.js';
// Optimizers.
export type { AdamArgs, OptimizerArgs, RMSpropArgs, SGDArgs } from './optimizers/index.js';
export { Adam, getOptimizer, Optimizer, RMSprop, SGD } from './optimizers/index.js';
export { scheduleFromConfig, serializeSchedule } from './optimizers/schedule-config.js';
export {
  CosineDecay,
  ExponentialDecay,
  InverseTimeDecay,
  LearningRateSchedule,
  PiecewiseConstantDecay,
  PolynomialDecay,
} from './optimizers/schedules.js';
// Random numbers.
export { Generator, globalGenerator, seedGenerator, setRandomSeed } from './random/index.js';
// Studies: the typed definition user-written study modules export (`tensile study ./my-study.ts`).
export { defineStudy, gridRuns } from './studies/define.js';
export type {
  FitSettings,
  Params,
  ParamValue,
  PruneRecord,
  RunContext,
  RunResult,
  RunSpec,
  Study,
  StudyOptions,
  TrainedRun,
} from './studies/types.js';
// Tensors, dtypes and shapes.
export type { DType, TypedArray } from './tensor/dtype.js';
export type { Shape } from './tensor/shape.js';
export { liveStats, type NestedArray, Tensor, Variable } from './tensor/tensor.js';
// Training loop arguments (compile, fit, evaluate, predict).
export {
  type CompileArgs,
  type CompiledOutputs,
  dataList,
  type MetricList,
  type ModelData,
  resolveCompileOutputs,
} from './training/compile-args.js';
export type { EvaluateArgs, PredictArgs } from './training/evaluate.js';
export type { FitArgs } from './training/fit.js';
// Figures (Vega-Lite → SVG → PNG) are the subpath export 'tensile/plot': vega is large, and
// loading it for every user would add ~50 MB and ~0.5 s to each start.
