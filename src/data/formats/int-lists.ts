/**
 * Lists of int32 packed in one Int32Array: list i is values[offsets[i]..offsets[i+1]). How the
 * unpickler hands over object arrays of int lists (IMDB's reviews): 4 bytes per int instead of the
 * 8 of a V8 array element, and no object per list until someone asks for one.
 *
 * @example
 * const lists = new IntLists(Int32Array.of(1, 14, 22, 1, 5), Int32Array.of(0, 3, 5));
 * console.log(lists.length, [...lists.item(1)]); // 2 [1, 5]
 */
export class IntLists {
  constructor(
    readonly values: Int32Array,
    readonly offsets: Int32Array,
  ) {}

  get length(): number {
    return this.offsets.length - 1;
  }

  /** List i as a view of the packed values (no copy). */
  item(i: number): Int32Array {
    return this.values.subarray(this.offsets[i]!, this.offsets[i + 1]!);
  }

  /** The lists as plain arrays. */
  toArrays(): number[][] {
    return Array.from({ length: this.length }, (_, i) => Array.from(this.item(i)));
  }

  /** The lists at `order` (a new packing; `order` may repeat or skip lists). */
  pick(order: ArrayLike<number>): IntLists {
    const offsets = new Int32Array(order.length + 1);
    for (let i = 0; i < order.length; i++) offsets[i + 1] = offsets[i]! + this.item(order[i]!).length;
    const values = new Int32Array(offsets[order.length]!);
    for (let i = 0; i < order.length; i++) values.set(this.item(order[i]!), offsets[i]!);
    return new IntLists(values, offsets);
  }
}

/**
 * A growing Int32Array the unpickler appends every list's ints to; a list is a range of it. Lists are
 * built one after another, so appending to the list at the end is the rule; appending to an earlier
 * list moves its ints to the end first (correct, never done by numpy's pickles).
 */
export class IntArena {
  buf = new Int32Array(4096);
  length = 0;

  /** Appends src[from..to) (int32 numbers) to the range [start, end) and returns the new range. */
  append(start: number, end: number, src: readonly unknown[], from: number, to: number): [number, number] {
    const count = to - from;
    if (start < 0 || end !== this.length) {
      const moved = start < 0 ? 0 : end - start;
      this.reserve(moved + count);
      if (moved > 0) this.buf.copyWithin(this.length, start, end);
      start = this.length;
      this.length += moved;
    } else {
      this.reserve(count);
    }
    const buf = this.buf;
    let at = this.length;
    for (let i = from; i < to; i++) buf[at++] = src[i] as number;
    this.length = at;
    return [start, at];
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const grown = new Int32Array(Math.max(this.length + extra, Math.ceil(this.buf.length * 1.5)));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }
}
