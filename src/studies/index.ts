import { ValueError } from '../errors.js';
import { batchnormStudy } from './batchnorm.js';
import { imdbRnnStudy } from './imdb-rnn.js';
import type { Study } from './types.js';

export const STUDIES: Record<string, Study> = { 'imdb-rnn': imdbRnnStudy, batchnorm: batchnormStudy };

export function getStudy(name: string): Study {
  const study = STUDIES[name];
  if (!study) throw new ValueError(`unknown study '${name}' (known: ${Object.keys(STUDIES).join(', ')})`);
  return study;
}

export { runStudy, serveWorker } from './runner.js';
export type { RunResult, RunSpec, Study, StudyOptions } from './types.js';
