import { describe, expect, it } from 'vitest';
import { IntArena, IntLists } from './int-lists.js';
import { unpickleIntLists } from './pickle.js';
import { fixture, ITEMS, PICKLE } from './test-fixtures.js';

describe('IntLists', () => {
  const lists = new IntLists(Int32Array.of(1, 14, 22, -3, 5, 7), Int32Array.of(0, 3, 3, 6));
  it('gives views of each list, plain arrays, and reordered copies', () => {
    expect(lists.length).toBe(3);
    expect([...lists.item(0)]).toEqual([1, 14, 22]);
    expect(lists.item(1).length).toBe(0);
    expect(lists.toArrays()).toEqual([[1, 14, 22], [], [-3, 5, 7]]);
    expect(lists.pick([2, 0, 2]).toArrays()).toEqual([
      [-3, 5, 7],
      [1, 14, 22],
      [-3, 5, 7],
    ]);
  });
  it('is what the unpickler returns for every numpy pickle protocol', () => {
    for (const name of ['p2', 'p3', 'p4', 'p4np2']) {
      expect(unpickleIntLists(fixture(PICKLE, name), name).toArrays()).toEqual(ITEMS);
    }
  });
});

describe('IntArena', () => {
  it('appends to the last list in place and moves an earlier list to the end before appending', () => {
    const arena = new IntArena();
    let a = arena.append(-1, -1, [1, 2], 0, 2);
    const b = arena.append(-1, -1, [9, 8, 7], 0, 3);
    expect([a, b]).toEqual([
      [0, 2],
      [2, 5],
    ]);
    a = arena.append(a[0], a[1], [0, 3, 0], 1, 2); // list a is no longer last: moved, then extended
    expect(a).toEqual([5, 8]);
    expect([...arena.buf.subarray(...a)]).toEqual([1, 2, 3]);
    expect([...arena.buf.subarray(...b)]).toEqual([9, 8, 7]);
  });
  it('grows past its first capacity without losing values', () => {
    const arena = new IntArena();
    const chunk = Array.from({ length: 1000 }, (_, i) => i);
    let r: [number, number] = [-1, -1];
    for (let k = 0; k < 10; k++) r = arena.append(r[0], r[1], chunk, 0, 1000);
    expect(r).toEqual([0, 10000]);
    expect(arena.buf[9999]).toBe(999);
    expect(arena.buf[5000]).toBe(0);
  });
});
