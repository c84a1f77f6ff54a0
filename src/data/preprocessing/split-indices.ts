import { ValueError } from '../../errors.js';
import type { RandomState } from '../../random/random-state.js';

// Porting Note: sklearn/model_selection/_split.py of scikit-learn 1.2 (_validate_shuffle_split,
// ShuffleSplit._iter_indices, StratifiedShuffleSplit._iter_indices) and sklearn/utils/extmath.py
// (_approximate_mode). Each random draw happens in the same order as there, so a seed gives the
// same rows.

/**
 * Train and test sizes from fractions (in (0, 1)) or counts (integers), with scikit-learn's rules:
 * a test fraction rounds up, a train fraction rounds down, a missing side takes the rest.
 *
 * @example
 * splitSizes(25000, 0.2); // [20000, 5000]
 * splitSizes(10, 3, 5); // [5, 3]
 */
export function splitSizes(
  n: number,
  testSize?: number,
  trainSize?: number,
  defaultTest = 0.25,
): [number, number] {
  if (testSize === undefined && trainSize === undefined) testSize = defaultTest;
  const bad = (v: number | undefined) =>
    v !== undefined && (!Number.isFinite(v) || (Number.isInteger(v) ? v <= 0 || v >= n : v <= 0 || v >= 1));
  if (bad(testSize)) {
    throw new ValueError(
      `test_size=${testSize} should be either positive and smaller than the number of samples ${n} or a float in the (0, 1) range`,
    );
  }
  if (bad(trainSize)) {
    throw new ValueError(
      `train_size=${trainSize} should be either positive and smaller than the number of samples ${n} or a float in the (0, 1) range`,
    );
  }
  const frac = (v: number | undefined) => v !== undefined && !Number.isInteger(v);
  if (frac(testSize) && frac(trainSize) && testSize! + trainSize! > 1) {
    throw new ValueError(
      `The sum of test_size and train_size = ${testSize! + trainSize!}, should be in the (0, 1) range. Reduce test_size and/or train_size.`,
    );
  }
  let nTest = testSize === undefined ? 0 : frac(testSize) ? Math.ceil(testSize * n) : testSize;
  let nTrain = trainSize === undefined ? 0 : frac(trainSize) ? Math.floor(trainSize * n) : trainSize;
  if (trainSize === undefined) nTrain = n - nTest;
  else if (testSize === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new ValueError(
      `The sum of train_size and test_size = ${nTrain + nTest}, should be smaller than the number of samples ${n}. Reduce test_size and/or train_size.`,
    );
  }
  if (nTrain === 0) {
    throw new ValueError(
      `With n_samples=${n}, test_size=${testSize} and train_size=${trainSize}, the resulting train set will be empty. Adjust any of the aforementioned parameters.`,
    );
  }
  return [nTrain, nTest];
}

/**
 * ShuffleSplit: one permutation; the test rows come first, then the train rows.
 *
 * @example
 * shuffleSplit(5, 3, 2, new RandomState(42)); // [[2, 0, 3], [1, 4]]
 */
export function shuffleSplit(
  n: number,
  nTrain: number,
  nTest: number,
  rng: RandomState,
): [number[], number[]] {
  const perm = rng.permutation(n);
  return [perm.slice(nTest, nTest + nTrain), perm.slice(0, nTest)];
}

/** Splits `draws` over classes in proportion to `counts`, breaking ties at random (sklearn's _approximate_mode). */
function approximateMode(counts: readonly number[], draws: number, rng: RandomState): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const floored = continuous.map(Math.floor);
  let needToAdd = draws - floored.reduce((a, b) => a + b, 0);
  if (needToAdd > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]!);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const addNow = Math.min(inds.length, needToAdd);
      // rng.choice(inds, addNow, replace=False) is permutation(len(inds))[:addNow]
      for (const k of rng.permutation(inds.length).slice(0, addNow)) floored[inds[k]!]! += 1;
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}

/**
 * StratifiedShuffleSplit: each class keeps its share of the rows in both parts.
 *
 * @example
 * const [train, test] = stratifiedSplit([0, 0, 1, 1, 1, 1], 3, 3, new RandomState(0));
 * // each part holds one or two rows of class 0 and the rest of class 1
 */
export function stratifiedSplit(
  y: readonly (number | string)[],
  nTrain: number,
  nTest: number,
  rng: RandomState,
): [number[], number[]] {
  const kinds = new Set(y.map((v) => typeof v));
  if (kinds.size > 1) throw new ValueError('stratify: labels must be all numbers or all strings');
  const classes = [...new Set(y)].sort((a, b) =>
    typeof a === 'number' ? a - (b as number) : a < b ? -1 : a > b ? 1 : 0,
  );
  const classOf = new Map(classes.map((c, i) => [c, i]));
  // Rows of each class in ascending order (sklearn's stable argsort of the class indices).
  const members: number[][] = classes.map(() => []);
  for (let i = 0; i < y.length; i++) members[classOf.get(y[i]!)!]!.push(i);
  const counts = members.map((m) => m.length);
  if (counts.some((c) => c < 2)) {
    throw new ValueError(
      'The least populated class in y has only 1 member, which is too few. The minimum number of groups for any class cannot be less than 2.',
    );
  }
  if (nTrain < classes.length) {
    throw new ValueError(
      `The train_size = ${nTrain} should be greater or equal to the number of classes = ${classes.length}`,
    );
  }
  if (nTest < classes.length) {
    throw new ValueError(
      `The test_size = ${nTest} should be greater or equal to the number of classes = ${classes.length}`,
    );
  }
  const nI = approximateMode(counts, nTrain, rng);
  const tI = approximateMode(
    counts.map((c, i) => c - nI[i]!),
    nTest,
    rng,
  );
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((rows, i) => {
    const perm = rng.permutation(rows.length).map((k) => rows[k]!);
    for (let k = 0; k < nI[i]! + tI[i]!; k++) (k < nI[i]! ? train : test).push(perm[k]!);
  });
  return [rng.permutation(train), rng.permutation(test)];
}
