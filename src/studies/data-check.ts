import { datasets } from '../data/index.js';

const { imdb, mnist } = datasets;

/**
 * What each study reads, loaded (and so downloaded and validated) once in the parent process before
 * any worker starts. Missing or damaged data then stops the study with one DownloadError or
 * DataFormatError that says what is missing, where Tensile looked and how to provide it, instead of
 * every worker failing with its own copy of the message.
 */
const DATA_OF: Record<string, () => Promise<unknown>> = {
  'imdb-rnn': async () => {
    await imdb.loadData({ numWords: 500 });
    await imdb.getWordIndex();
  },
  batchnorm: () => mnist.loadData(),
};

/**
 * Loads the data set files a study needs, throwing the data loaders' own errors.
 *
 * @example
 * // await checkStudyData('imdb-rnn'); // DownloadError: imdb: imdb.npz not found … To provide imdb.npz: …
 */
export async function checkStudyData(study: string): Promise<void> {
  await DATA_OF[study]?.();
}
