export { defineStudy, gridRuns } from './define.js';
export { executeRun, type RunHooks } from './execute.js';
export { BUILTIN_STUDIES, loadStudy, type StudyRef, studyRef } from './registry.js';
export { defaultSummary, runStudy, selectRuns, writeStudyReport } from './runner.js';
export type {
  FitSettings,
  Params,
  ParamValue,
  PruneRecord,
  RunContext,
  RunProgress,
  RunResult,
  RunSpec,
  Study,
  StudyOptions,
  TrainedRun,
} from './types.js';
