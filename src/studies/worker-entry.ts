/**
 * Entry of a study worker process, forked by `StudyWorker` (worker.ts): it serves runs over IPC
 * until its parent disconnects. Kept separate so importing worker.ts never starts serving.
 */
import { serveStudyWorker } from './worker.js';

serveStudyWorker();
