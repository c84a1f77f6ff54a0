import { ValueError } from '../errors.js';
import type { Params, ParamValue, RunSpec, Study } from './types.js';

/**
 * Declares a study with its types inferred from the hooks: params from `runs`, data from `data`,
 * extras from `extras`. It returns the definition unchanged; its job is to check it, so a study
 * module reads `export default defineStudy({ ... })`.
 *
 * @example
 * import { defineStudy, gridRuns, Sequential, Dense, tensor } from 'tensile';
 * const study = defineStudy({
 *   name: 'tiny',
 *   title: 'A tiny sweep',
 *   runs: () => gridRuns({ units: [2, 4] }),
 *   data: async () => ({ x: tensor([[0], [1]]), y: tensor([[0], [1]]) }),
 *   model: (run) => {
 *     const m = new Sequential([new Dense(run.params.units, { inputShape: [1] }), new Dense(1)]);
 *     m.compile({ optimizer: 'sgd', loss: 'mse' });
 *     return m;
 *   },
 *   fit: ({ data }) => ({ x: data.x, y: data.y, epochs: 1, batchSize: 2 }),
 * });
 * console.log(study.name); // tiny
 */
export function defineStudy<P extends Params, D, X extends object = Record<string, never>>(
  study: Study<P, D, X>,
): Study<P, D, X> {
  if (!/^[\w.-]+$/.test(study.name))
    throw new ValueError(`defineStudy: name '${study.name}' must be letters, digits, '.', '_' or '-'`);
  return study;
}

type GridParams<A extends Record<string, readonly ParamValue[]>> = { readonly [K in keyof A]: A[K][number] };

/** A run id part for a value: '0.001' → '0.001', 'relu' → 'relu', true → 'true'. */
const idPart = (v: ParamValue) => String(v).replace(/[^\w.-]+/g, '_');

/**
 * Every combination of the axes' values as runs (the first axis varies slowest), with ids like
 * 'learningRate-0.001_units-8' and labels like 'learningRate 0.001, units 8'. `fixed` params are
 * added to each run without appearing in ids.
 *
 * @example
 * import { gridRuns } from 'tensile';
 * const runs = gridRuns({ lr: [0.1, 0.01], units: [8, 16] }, { epochs: 3 });
 * console.log(runs.length, runs[1].id, runs[1].params.epochs); // 4 lr-0.1_units-16 3
 */
export function gridRuns<
  A extends Record<string, readonly ParamValue[]>,
  F extends Params = Record<never, never>,
>(axes: A, fixed?: F): RunSpec<GridParams<A> & F>[] {
  const keys = Object.keys(axes) as (keyof A & string)[];
  for (const k of keys)
    if (axes[k]!.length === 0) throw new ValueError(`gridRuns: axis '${k}' has no values`);
  let combos: Record<string, ParamValue>[] = [{}];
  for (const k of keys) combos = combos.flatMap((c) => axes[k]!.map((v) => ({ ...c, [k]: v })));
  return combos.map((c) => ({
    id: keys.map((k) => `${k}-${idPart(c[k]!)}`).join('_'),
    label: keys.map((k) => `${k} ${c[k]}`).join(', '),
    params: { ...c, ...fixed } as GridParams<A> & F,
  }));
}
