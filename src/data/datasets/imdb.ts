import { ValueError } from '../../errors.js';
import { tensor } from '../../ops/core.js';
import { RandomState } from '../../random/random-state.js';
import type { Tensor } from '../../tensor/tensor.js';
import { formatError } from '../formats/bytes.js';
import { crc32 } from '../formats/compression.js';
import type { IntLists } from '../formats/int-lists.js';
import { type NpzFile, readNpz } from '../formats/npz.js';
import { checkDigest, type DataOptions, type KnownFile, type LoadedFile, obtainFiles } from './files.js';
import { applyVocabulary, type ImdbSequenceOptions } from './imdb-words.js';

export { decode, encode, getWordIndex } from './imdb-words.js';

/** Keras' imdb.npz (its `file_hash`), plus the content-identical rebuild in the team's data folder. */
const NPZ: KnownFile = {
  name: 'imdb.npz',
  sha256: '69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f',
  alsoAccepted: ['c74e9fffd75ed9489130795b54356a5699d4b1ef5f2919db1ffdf40f1567957b'],
};

/** Options of `imdb.loadData`; names and defaults follow Keras' `imdb.load_data`. */
export interface ImdbOptions extends ImdbSequenceOptions, DataOptions {
  /** Drop reviews whose sequence (start value included) is `maxlen` long or longer. */
  maxlen?: number;
  /** Seed of the numpy RandomState that shuffles train, then test. Default 113. */
  seed?: number;
}

/** `[[xTrain, yTrain], [xTest, yTest]]`: sequences as arrays of ints, labels (1 = positive) as int32. */
export type ImdbData = [train: [x: number[][], y: Tensor], test: [x: number[][], y: Tensor]];

function reviews(npz: NpzFile, split: 'train' | 'test', path: string): [IntLists, Int32Array] {
  const x = npz.get(`x_${split}`, { allowPickle: true });
  const y = npz.get(`y_${split}`);
  if (x.dtype !== 'object' || x.shape.length !== 1)
    throw formatError(path, `x_${split} is not a 1-D object array`);
  if (y.dtype === 'object' || y.shape.length !== 1 || y.shape[0] !== x.shape[0]) {
    throw formatError(path, `y_${split} must be ${x.shape[0]} numeric labels, got ${y.dtype} [${y.shape}]`);
  }
  const values = y.data as ArrayLike<number>;
  const labels = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 0 && v !== 1) throw formatError(path, `y_${split}[${i}] is ${v}, labels must be 0 or 1`);
    labels[i] = v;
  }
  return [x.data, labels];
}

type Raw = [[IntLists, Int32Array], [IntLists, Int32Array]];

/**
 * Parsed files by path, size and CRC, held weakly: calling loadData again with other options (as
 * experiments do) skips the 0.5 s unpickling while the arrays are alive, yet GC can still reclaim them.
 * The raw arrays are never mutated (loadData builds new ones).
 */
const parsed = new Map<string, WeakRef<Raw>>();

function parse(file: LoadedFile): Raw {
  const key = `${file.path}:${file.bytes.length}:${crc32(file.bytes)}`;
  const hit = parsed.get(key)?.deref();
  if (hit) return hit;
  const npz = readNpz(file.bytes, file.path);
  const raw: Raw = [reviews(npz, 'train', file.path), reviews(npz, 'test', file.path)];
  checkDigest(file);
  parsed.set(key, new WeakRef(raw));
  return raw;
}

function checkCount(name: string, v: number | undefined | null, allowNull = false): void {
  if (v === undefined || (v === null && allowNull)) return;
  if (!Number.isSafeInteger(v) || (v as number) < 0) {
    throw new ValueError(`imdb.loadData: ${name} must be a non-negative integer, got ${v}`);
  }
}

/**
 * Loads the IMDB movie-review sentiment data set exactly as Keras' `imdb.load_data` does: both splits
 * shuffled by one `RandomState(seed)` (train first), `startChar` prepended, word ranks offset by
 * `indexFrom`, reviews of `maxlen` or more dropped, then values outside [skipTop, numWords) replaced
 * by `oovChar`.
 *
 * @example
 * import { datasets } from 'tensile';
 * const [[xTrain, yTrain], [xTest, yTest]] = await datasets.imdb.loadData({ numWords: 10000 });
 * console.log(xTrain.length, yTrain.shape); // 25000 [25000]
 */
export async function loadData(options: ImdbOptions = {}): Promise<ImdbData> {
  const { skipTop = 0, maxlen, seed = 113, startChar = 1, oovChar = 2, indexFrom = 3 } = options;
  for (const [k, v] of Object.entries({ numWords: options.numWords, skipTop, maxlen, seed, indexFrom }))
    checkCount(k, v);
  checkCount('startChar', startChar, true);
  checkCount('oovChar', oovChar, true);
  const [file] = await obtainFiles('imdb', [[NPZ]], [NPZ], options);
  const [[xTrain, yTrainRaw], [xTest, yTestRaw]] = parse(file!);

  // Keras' order of operations, fused into one pass that builds each output sequence once:
  // shuffle (train, then test, one generator) → prepend startChar and add indexFrom → drop sequences
  // of maxlen or more (remove_long_seq keeps len(x) < maxlen) → values outside [skipTop, numWords)
  // become oovChar (or are dropped when it is null).
  const rng = new RandomState(seed);
  const prefix = startChar === null ? 0 : 1;
  const select = (xs: IntLists, ys: Int32Array): [Int32Array[], Int32Array] => {
    let order = rng.permutation(xs.length);
    if (maxlen) order = order.filter((i) => xs.item(i).length + prefix < maxlen);
    return [order.map((i) => xs.item(i)), Int32Array.from(order, (i) => ys[i]!)];
  };
  const [rawTrain, yTrain] = select(xTrain, yTrainRaw);
  const [rawTest, yTest] = select(xTest, yTestRaw);
  if (maxlen && (rawTrain.length === 0 || rawTest.length === 0)) {
    throw new ValueError(
      `After filtering for sequences shorter than maxlen=${maxlen}, no sequence was kept. Increase maxlen.`,
    );
  }
  // Keras' `if not num_words: num_words = max(...)`, which makes the largest value itself OOV.
  let numWords = options.numWords || 0;
  if (!numWords) {
    for (const x of [rawTrain, rawTest].flat()) {
      if (prefix && startChar! > numWords) numWords = startChar!;
      for (const r of x) if (r + indexFrom > numWords) numWords = r + indexFrom;
    }
  }
  const encode = (raw: Int32Array): number[] => {
    if (oovChar === null) {
      const out: number[] = prefix ? [startChar!] : [];
      return applyVocabulary(out.concat(Array.from(raw, (r) => r + indexFrom)), skipTop, numWords, null);
    }
    const out = new Array<number>(raw.length + prefix);
    if (prefix) out[0] = startChar! < skipTop || startChar! >= numWords ? oovChar : startChar!;
    for (let i = 0; i < raw.length; i++) {
      const w = raw[i]! + indexFrom;
      out[i + prefix] = w < skipTop || w >= numWords ? oovChar : w;
    }
    return out;
  };
  const train = rawTrain.map(encode);
  const test = rawTest.map(encode);
  return [
    [train, tensor(yTrain, [yTrain.length], 'int32')],
    [test, tensor(yTest, [yTest.length], 'int32')],
  ];
}
