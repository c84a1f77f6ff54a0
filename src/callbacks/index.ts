export { Callback, CallbackList, type CallbackModel, type Logs, type TrainParams } from './callback.js';
export { CSVLogger, type CSVLoggerArgs } from './csv-logger.js';
export {
  EarlyStopping,
  type EarlyStoppingArgs,
  type MonitorMode,
  monitorDirection,
} from './early-stopping.js';
export { History } from './history.js';
export { LambdaCallback, type LambdaCallbackArgs } from './lambda-callback.js';
export { LearningRateScheduler, type Schedule } from './learning-rate-scheduler.js';
export { ModelCheckpoint, type ModelCheckpointArgs } from './model-checkpoint.js';
export { ProgressBar } from './progress-bar.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduce-lr-on-plateau.js';
export { TensorBoard, type TensorBoardArgs } from './tensorboard.js';
export { TerminateOnNaN } from './terminate-on-nan.js';
