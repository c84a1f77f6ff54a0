import { describe, expect, it } from 'vitest';
import { ValueError } from '../../errors.js';
import { padSequences } from './pad-sequences.js';

const seqs = [[1], [2, 3], [4, 5, 6]];

describe('padSequences', () => {
  it('matches the examples in Keras’ pad_sequences docstring', () => {
    // keras.utils.pad_sequences(sequence) / (sequence, value=-1) / (sequence, padding='post') / (sequence, maxlen=2)
    expect(padSequences(seqs).toArray()).toEqual([
      [0, 0, 1],
      [0, 2, 3],
      [4, 5, 6],
    ]);
    expect(padSequences(seqs, { value: -1 }).toArray()).toEqual([
      [-1, -1, 1],
      [-1, 2, 3],
      [4, 5, 6],
    ]);
    expect(padSequences(seqs, { padding: 'post' }).toArray()).toEqual([
      [1, 0, 0],
      [2, 3, 0],
      [4, 5, 6],
    ]);
    expect(padSequences(seqs, { maxlen: 2 }).toArray()).toEqual([
      [0, 1],
      [2, 3],
      [5, 6],
    ]);
  });

  it('truncates at the end with truncating post, handles empty rows, typed arrays and float32', () => {
    expect(
      padSequences([[1, 2, 3], [], new Int32Array([7])], { maxlen: 2, truncating: 'post' }).toArray(),
    ).toEqual([
      [1, 2],
      [0, 0],
      [0, 7],
    ]);
    const f = padSequences([[0.5, 1.5]], { maxlen: 3, dtype: 'float32', value: 0.25 });
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([[0.25, 0.5, 1.5]]);
    // int32 like numpy's astype: fractions truncate toward zero
    expect(padSequences([[1.9, -1.9]]).toArray()).toEqual([[1, -1]]);
    expect(padSequences([], { maxlen: 4 }).shape).toEqual([0, 4]);
  });

  it('rejects what Keras rejects, with clear messages', () => {
    expect(() => padSequences(seqs, { padding: 'middle' as 'pre' })).toThrow(
      /padding type "middle" not understood/,
    );
    expect(() => padSequences(seqs, { truncating: 'x' as 'pre' })).toThrow(ValueError);
    expect(() => padSequences([[1], 5 as unknown as number[]])).toThrow(/sequences\[1\] is not a sequence/);
    expect(() => padSequences(seqs, { maxlen: -1 })).toThrow(/maxlen/);
    expect(() => padSequences([])).toThrow(/no sequences and no maxlen/);
  });
});
