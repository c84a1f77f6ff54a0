import { ValueError } from '../../errors.js';
import { tensor } from '../../ops/core.js';
import { RandomState } from '../../random/random-state.js';
import { Tensor } from '../../tensor/tensor.js';
import { shuffleSplit, splitSizes, stratifiedSplit } from './split-indices.js';

type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** What `trainTestSplit` can split along its first axis. */
export type Splittable = Tensor | readonly unknown[] | NumericArray;

/** Options of `trainTestSplit`, as scikit-learn's `train_test_split` (camelCase). */
export interface SplitOptions {
  /** Fraction in (0, 1) (rounded up) or count of test rows. Default: the rest, or 0.25 if neither is given. */
  testSize?: number;
  /** Fraction in (0, 1) (rounded down) or count of train rows. Default: the rest. */
  trainSize?: number;
  /** A seed (same rows as scikit-learn with the same integer), a RandomState to draw from, or none. */
  randomState?: number | RandomState;
  /** Shuffle before splitting. Default true; `false` takes the first rows for training. */
  shuffle?: boolean;
  /** Class labels to keep in the same proportions in both parts (StratifiedShuffleSplit). */
  stratify?: Tensor | readonly (number | string)[] | NumericArray;
}

/** The split of one input: the same kind of container it came in. */
type SplitOf<A> = A extends Tensor ? Tensor : A extends readonly (infer T)[] ? T[] : A;

/** [a_train, a_test, b_train, b_test, ...] for inputs [a, b, ...]. */
export type SplitResult<A extends readonly unknown[]> = A extends readonly [infer H, ...infer R]
  ? [SplitOf<H>, SplitOf<H>, ...SplitResult<R>]
  : SplitOf<A[number]>[];

function lengthOf(a: Splittable, i: number): number {
  if (a instanceof Tensor) {
    if (a.rank === 0) throw new ValueError(`trainTestSplit: input ${i} is a scalar tensor`);
    return a.shape[0]!;
  }
  if (Array.isArray(a) || ArrayBuffer.isView(a)) return a.length;
  throw new ValueError(`trainTestSplit: input ${i} is not an array, typed array or Tensor`);
}

/** Rows `rows` of `a`, in that order, in the container kind of `a`. */
function take(a: Splittable, rows: readonly number[]): Splittable {
  if (a instanceof Tensor) {
    const width = a.size / a.shape[0]!;
    const src = a.dataSync();
    const out = new (src.constructor as new (n: number) => typeof src)(rows.length * width);
    for (let k = 0; k < rows.length; k++)
      out.set(src.subarray(rows[k]! * width, (rows[k]! + 1) * width), k * width);
    return tensor(out, [rows.length, ...a.shape.slice(1)], a.dtype);
  }
  if (Array.isArray(a)) return rows.map((r) => a[r]);
  const typed = a as NumericArray;
  const out = new (typed.constructor as new (n: number) => NumericArray)(rows.length);
  rows.forEach((r, k) => {
    out[k] = typed[r]!;
  });
  return out;
}

function isOptions(v: unknown): v is SplitOptions {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !ArrayBuffer.isView(v) &&
    !(v instanceof Tensor)
  );
}

/**
 * Splits arrays into random train and test subsets, row for row as scikit-learn 1.2's `train_test_split`
 * for the same integer `randomState` (stratified splits follow StratifiedShuffleSplit the same way).
 * Returns `[aTrain, aTest, bTrain, bTest, ...]`, each in its input's kind (array, typed array or Tensor).
 *
 * @example
 * import { trainTestSplit } from 'tensile';
 * const [xTrain, xTest, yTrain, yTest] = trainTestSplit([[1], [2], [3], [4], [5]], [0, 1, 0, 1, 0], {
 *   testSize: 0.4,
 *   randomState: 42,
 * });
 * console.log(xTest, yTest); // [[2], [5]] [1, 0]
 */
export function trainTestSplit<A extends Splittable[]>(
  ...args: [...arrays: A, options: SplitOptions]
): SplitResult<A>;
export function trainTestSplit<A extends Splittable[]>(...arrays: A): SplitResult<A>;
export function trainTestSplit(...args: unknown[]): Splittable[] {
  const options: SplitOptions =
    args.length > 0 && isOptions(args[args.length - 1]) ? (args.pop() as SplitOptions) : {};
  const arrays = args as Splittable[];
  if (arrays.length === 0) throw new ValueError('trainTestSplit: at least one array required as input');
  const lengths = arrays.map(lengthOf);
  if (lengths.some((n) => n !== lengths[0])) {
    throw new ValueError(
      `trainTestSplit: found input variables with inconsistent numbers of samples: [${lengths}]`,
    );
  }
  const n = lengths[0]!;
  const { testSize, trainSize, randomState, shuffle = true, stratify } = options;
  const [nTrain, nTest] = splitSizes(n, testSize, trainSize);
  let train: number[];
  let test: number[];
  if (!shuffle) {
    if (stratify !== undefined) {
      throw new ValueError('Stratified train/test split is not implemented for shuffle=False');
    }
    train = Array.from({ length: nTrain }, (_, i) => i);
    test = Array.from({ length: nTest }, (_, i) => nTrain + i);
  } else {
    const rng = randomState instanceof RandomState ? randomState : new RandomState(randomState);
    if (stratify === undefined) [train, test] = shuffleSplit(n, nTrain, nTest, rng);
    else {
      const labels = stratify instanceof Tensor ? stratifyLabels(stratify) : Array.from(stratify);
      if (labels.length !== n) {
        throw new ValueError(`trainTestSplit: stratify has ${labels.length} labels for ${n} samples`);
      }
      [train, test] = stratifiedSplit(labels, nTrain, nTest, rng);
    }
  }
  return arrays.flatMap((a) => [take(a, train), take(a, test)]);
}

function stratifyLabels(t: Tensor): number[] {
  if (t.rank !== 1) throw new ValueError(`trainTestSplit: stratify must be 1-D, got shape [${t.shape}]`);
  return Array.from(t.dataSync());
}
