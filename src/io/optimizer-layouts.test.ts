import { describe, expect, it } from 'vitest';
import { Adam, RMSprop, SGD } from '../optimizers/index.js';
import { matchOptimizerLayout, optimizerLayouts, slotOrder } from './optimizer-layouts.js';

// Two weights: a kernel [3, 2] and a bias [2].
const shapes = [[3, 2], [2]];
const arrays = (list: [string, number[]][]) => list.map(([name, shape]) => ({ name, shape }));
const generation = (opt: Adam | SGD | RMSprop, saved: [string, number[]][]) =>
  matchOptimizerLayout(optimizerLayouts(opt, 2), arrays(saved), shapes)?.generation ?? null;

describe('optimizer state layouts', () => {
  it('orders Adam slots per variable and other slots kind by kind (Keras 3, tf.keras 2.11+)', () => {
    expect(slotOrder(new Adam(), 2)).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(slotOrder(new RMSprop({ momentum: 0.5 }), 2)).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
  });

  it('recognizes each generation by count, shapes and names', () => {
    // Keras 3: iteration, learning_rate, m(k), v(k), m(b), v(b)
    const k3: [string, number[]][] = [
      ['adam/iteration', []],
      ['adam/learning_rate', []],
      ['m', [3, 2]],
      ['v', [3, 2]],
      ['m', [2]],
      ['v', [2]],
    ];
    expect(generation(new Adam(), k3)).toBe('Keras 3');
    // tf.keras 2.11+: iteration, then the same interleaved order (names 'Adam/m/dense/kernel:0').
    expect(generation(new Adam(), [['iteration:0', []], ...k3.slice(2)])).toBe('tf.keras 2.11–2.15');
    // OptimizerV2: iter, m(k), m(b), v(k), v(b), named 'Adam/dense/kernel/m:0'.
    const v2: [string, number[]][] = [
      ['Adam/iter:0', []],
      ['Adam/dense/kernel/m:0', [3, 2]],
      ['Adam/dense/bias/m:0', [2]],
      ['Adam/dense/kernel/v:0', [3, 2]],
      ['Adam/dense/bias/v:0', [2]],
    ];
    expect(generation(new Adam(), v2)).toBe('tf.keras 2.0–2.10 (OptimizerV2)');
    // Keras 2.0–2.3: iterations, ms, vs, vhats of shape [1].
    expect(generation(new Adam(), [...v2, ['vhat', [1]], ['vhat', [1]]])).toBe('Keras 2.0–2.3');
    // tf.keras 2.11+ SGD without momentum still creates its m slots.
    expect(
      generation(new SGD(), [
        ['iteration:0', []],
        ['m', [3, 2]],
        ['m', [2]],
      ]),
    ).toBe('tf.keras 2.11–2.15');
  });

  it('tells OptimizerV2 from tf.keras 2.11+ by the slot names when all weights have one shape', () => {
    const same = [[2], [2]];
    const saved = (names: string[]) =>
      arrays([['iter', []], ...names.map((n): [string, number[]] => [n, [2]])]);
    const layouts = optimizerLayouts(new Adam(), 2);
    const v2Names = ['Adam/a/m:0', 'Adam/b/m:0', 'Adam/a/v:0', 'Adam/b/v:0'];
    expect(matchOptimizerLayout(layouts, saved(v2Names), same)?.generation).toMatch(/OptimizerV2/);
    const newNames = ['Adam/m/a:0', 'Adam/v/a:0', 'Adam/m/b:0', 'Adam/v/b:0'];
    expect(matchOptimizerLayout(layouts, saved(newNames), same)?.generation).toBe('tf.keras 2.11–2.15');
  });

  it('matches nothing when the state belongs to another optimizer', () => {
    expect(
      generation(new SGD({ momentum: 0.9 }), [
        ['iter', []],
        ['m', [3, 2]],
        ['m', [2]],
        ['v', [3, 2]],
      ]),
    ).toBe(null);
  });
});
