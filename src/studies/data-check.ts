import type { StudyOptions } from './types.js';

/**
 * Loads a study's data once in the parent process, before any worker starts, through the study's own
 * `data` hook (built-in or user-written). Missing or damaged data then stops the study with one
 * DownloadError or DataFormatError that says what is missing, where Tensile looked and how to
 * provide it, instead of every worker failing with its own copy of the message.
 *
 * @example
 * // await checkStudyData(study, opts); // DownloadError: imdb: imdb.npz not found … To provide imdb.npz: …
 */
export async function checkStudyData(
  study: { data(opts: StudyOptions): Promise<unknown> },
  opts: StudyOptions,
): Promise<void> {
  await study.data(opts);
}
