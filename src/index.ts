/**
 * Tensile: Keras-style deep learning for TypeScript.
 *
 * @example
 * import { Sequential, Dense, SGD, setRandomSeed } from 'tensile';
 * setRandomSeed(42);
 * const model = new Sequential([new Dense(8, { activation: 'relu', inputShape: [4] }), new Dense(1, { activation: 'sigmoid' })]);
 * model.compile({ optimizer: new SGD(), loss: 'binary_crossentropy', metrics: ['accuracy'] });
 */

// Tensors, memory and autograd.
export { Tensor, Variable, liveStats, type NestedArray } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export type { Shape } from './tensor/shape.js';
export { scope, keep } from './engine/engine.js';
export { valueAndGrads } from './autograd/backward.js';
export { TensileError, ShapeError, DTypeError, ValueError } from './errors.js';

// Backends.
export type { Backend } from './backend/backend.js';
export { setBackend, getBackend, withBackend } from './backend/select.js';
export { tsBackend, createTsBackend } from './backends/ts/index.js';

// Ops.
export * from './ops/index.js';

// Random numbers and initializers (a namespace: `zeros`/`ones` would clash with the ops).
export { Generator, globalGenerator, seedGenerator, setRandomSeed } from './random/index.js';
export * as initializers from './initializers/index.js';

// Data sets and preprocessing.
export * from './data/index.js';

// Keras API.
export { getActivation, type ActivationName } from './activations/index.js';
export { Layer, type LayerArgs, type CallContext, type SymbolicShape, clearSession } from './layers/layer.js';
export { Dense, type DenseArgs } from './layers/dense.js';
export { Activation } from './layers/activation.js';
export { BatchNormalization, type BatchNormalizationArgs } from './layers/batch-normalization.js';
export { Dropout, type DropoutArgs } from './layers/dropout.js';
export { InputLayer } from './layers/input-layer.js';
export { Sequential, type CompileArgs } from './models/sequential.js';
export { Optimizer, SGD, RMSprop, Adam, getOptimizer } from './optimizers/index.js';
export type { OptimizerArgs, SGDArgs, RMSpropArgs, AdamArgs } from './optimizers/index.js';
export {
  Loss,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  MeanSquaredError,
  type LossFn,
} from './losses/index.js';
export { Metric, resolveMetric, type MetricFn } from './metrics/index.js';
export { Callback, type Logs, type TrainParams } from './callbacks/callback.js';
export { History } from './callbacks/history.js';
export { ProgressBar } from './callbacks/progress-bar.js';
export type { FitArgs } from './training/fit.js';
export type { EvaluateArgs, PredictArgs } from './training/evaluate.js';

// Figures (Vega-Lite → SVG → PNG).
export * from './plot/index.js';

// Embeddings and recurrent layers (cells, the generic loop, fused sequence ops, masks).
export type {
  GruSequenceArgs,
  RnnSequenceArgs,
  RnnSequenceBackwardInputs,
  RnnSequenceGrads,
  RnnSequenceResult,
  SimpleRnnSequenceArgs,
} from './backend/backend.js';
export { Embedding, type EmbeddingArgs } from './layers/embedding.js';
export type { CellArgs, CellWeights, RecurrentCell, StepDropout } from './layers/rnn/cell.js';
export { GRU, type GRUArgs } from './layers/rnn/gru.js';
export { GRUCell, type GRUCellArgs } from './layers/rnn/gru-cell.js';
export { LSTM, type LSTMArgs } from './layers/rnn/lstm.js';
export { LSTMCell, type LSTMCellArgs } from './layers/rnn/lstm-cell.js';
export { getKerasMask, setKerasMask } from './layers/rnn/masking.js';
export { RNN, type RNNArgs, type RunOptions, runRnn } from './layers/rnn/rnn.js';
export {
  gruSequence,
  lstmSequence,
  type SequenceOptions,
  type SequenceOutput,
  simpleRnnSequence,
} from './ops/rnn.js';
export { SimpleRNN, type SimpleRNNArgs } from './layers/rnn/simple-rnn.js';
export { SimpleRNNCell } from './layers/rnn/simple-rnn-cell.js';

// Callbacks and model files (.keras, legacy .h5, .weights.h5).
export {
  CSVLogger,
  EarlyStopping,
  LambdaCallback,
  LearningRateScheduler,
  ModelCheckpoint,
  ReduceLROnPlateau,
  TerminateOnNaN,
  monitorDirection,
} from './callbacks/index.js';
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
  ModelFileError,
  loadModel,
  loadWeights,
  saveModel,
  saveWeights,
  type LayerClass,
  type LoadModelOptions,
} from './io/index.js';
