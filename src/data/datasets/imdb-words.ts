import { formatError } from '../formats/bytes.js';
import { checkDigest, type DataOptions, type KnownFile, obtainFiles } from './files.js';

/** Keras' imdb_word_index.json (MD5 bfafd718… as Keras publishes it; this is the same file's SHA-256). */
const WORD_INDEX: KnownFile = {
  name: 'imdb_word_index.json',
  sha256: '027313fe9a320280f3bf0fac5baf58c4a683cf39a7ed9c3d3d3912bde4284cf6',
};

/** How word ranks become sequence values; the defaults are Keras' `imdb.load_data` defaults. */
export interface ImdbSequenceOptions {
  /** Keep the `numWords - indexFrom` most frequent words; rarer ones become `oovChar`. */
  numWords?: number;
  /** Also treat values below this as out of vocabulary (Keras' `skip_top`). Default 0. */
  skipTop?: number;
  /** Prepended to every sequence; `null` for none. Default 1. */
  startChar?: number | null;
  /** Replaces out-of-vocabulary values; `null` drops them instead. Default 2. */
  oovChar?: number | null;
  /** Added to every word rank, reserving 0 (padding), 1 (start) and 2 (OOV). Default 3. */
  indexFrom?: number;
}

/**
 * Word ranks → sequence values, exactly as Keras' load_data does it (offset, start, then OOV).
 *
 * @example
 * rankToSequence([1, 700], { numWords: 500 }, 500); // [1, 4, 2]
 */
export function rankToSequence(ranks: readonly number[], o: ImdbSequenceOptions, numWords: number): number[] {
  const { skipTop = 0, startChar = 1, oovChar = 2, indexFrom = 3 } = o;
  const out: number[] = startChar === null ? [] : [startChar];
  for (const r of ranks) out.push(r + indexFrom);
  return applyVocabulary(out, skipTop, numWords, oovChar);
}

/**
 * Keras' OOV rule: values outside [skipTop, numWords) become oovChar (or are dropped when it is null).
 *
 * @example
 * applyVocabulary([1, 4, 703], 0, 500, 2); // [1, 4, 2]
 * applyVocabulary([1, 4, 703], 0, 500, null); // [1, 4]
 */
export function applyVocabulary(
  seq: number[],
  skipTop: number,
  numWords: number,
  oovChar: number | null,
): number[] {
  if (oovChar === null) return seq.filter((w) => skipTop <= w && w < numWords);
  for (let i = 0; i < seq.length; i++) {
    const w = seq[i]!;
    if (w < skipTop || w >= numWords) seq[i] = oovChar;
  }
  return seq;
}

const cache = new Map<string, { index: Map<string, number>; words: string[] }>();

async function loadIndex(options: DataOptions): Promise<{ index: Map<string, number>; words: string[] }> {
  const [file] = await obtainFiles('imdb', [[WORD_INDEX]], [WORD_INDEX], options);
  const hit = cache.get(file!.path);
  if (hit) return hit;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file!.bytes));
  } catch (e) {
    throw formatError(file!.path, `not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw formatError(file!.path, 'expected a JSON object {word: rank}');
  }
  // A Map, not the parsed object: words such as "constructor" must not reach Object.prototype.
  const index = new Map<string, number>();
  const words: string[] = [];
  for (const [word, rank] of Object.entries(parsed)) {
    if (!Number.isSafeInteger(rank) || (rank as number) < 1) {
      throw formatError(
        file!.path,
        `rank of '${word}' is ${JSON.stringify(rank)}, expected a positive integer`,
      );
    }
    index.set(word, rank as number);
    words[rank as number] = word;
  }
  checkDigest(file!);
  const entry = { index, words };
  cache.set(file!.path, entry);
  return entry;
}

/**
 * Keras' IMDB word index: word → frequency rank (1 = most frequent). Values in `loadData` sequences
 * are these ranks plus `indexFrom` (3).
 *
 * @example
 * import { datasets } from 'tensile';
 * const index = await datasets.imdb.getWordIndex();
 * console.log(index.get('the'), index.size); // 1 88584
 */
export async function getWordIndex(options: DataOptions = {}): Promise<Map<string, number>> {
  return new Map((await loadIndex(options)).index);
}

/**
 * Turns a sequence back into words as the Keras tutorial does: value `i` is word `i - indexFrom`, and
 * padding, start, out-of-vocabulary and unknown values print as `?`.
 *
 * @example
 * import { datasets } from 'tensile';
 * const seq = await datasets.imdb.encode('This film was just brilliant!', { numWords: 10000 });
 * console.log(await datasets.imdb.decode(seq)); // ? this film was just brilliant
 */
export async function decode(
  sequence: ArrayLike<number>,
  options: DataOptions & { indexFrom?: number } = {},
): Promise<string> {
  const { words } = await loadIndex(options);
  const from = options.indexFrom ?? 3;
  return Array.from(sequence, (v) => words[v - from] ?? '?').join(' ');
}

/** Characters Keras' tokenizer turns into spaces (its default `filters`, as the data README documents). */
const FILTERED = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~\t\n]/g;

/**
 * Splits text into words the way imdb.npz was built: A–Z lower-cased, punctuation to spaces, split on ' '.
 *
 * @example
 * tokenize("Great film!<br />I'd see it again"); // ['great', 'film', 'br', "i'd", 'see', 'it', 'again']
 */
export function tokenize(text: string): string[] {
  return text
    .replace(/[A-Z]+/g, (s) => s.toLowerCase())
    .replace(FILTERED, ' ')
    .split(' ')
    .filter((t) => t !== '');
}

/**
 * Encodes your own review like `loadData`'s sequences, so a trained model can score it. Words missing
 * from the index are dropped, as they were when imdb.npz was built; rare words become `oovChar`.
 *
 * @example
 * import { datasets, padSequences } from 'tensile';
 * const seq = await datasets.imdb.encode('A wonderful, moving film!', { numWords: 10000 });
 * const x = padSequences([seq], { maxlen: 100 }); // ready for model.predict(x)
 */
export async function encode(
  text: string,
  options: ImdbSequenceOptions & DataOptions = {},
): Promise<number[]> {
  const { index } = await loadIndex(options);
  const ranks: number[] = [];
  for (const token of tokenize(text)) {
    const rank = index.get(token);
    if (rank !== undefined) ranks.push(rank);
  }
  return rankToSequence(ranks, options, options.numWords ?? Number.POSITIVE_INFINITY);
}
