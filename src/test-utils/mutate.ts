import type { RandomState } from '../random/random-state.js';

/**
 * One random edit of `src` for fuzz tests: bit flips, special bytes, big integers over size fields,
 * truncation, insertion or deletion. Seeded through `rng`, so every failing case can be replayed.
 *
 * @example
 * const damaged = mutate(readFileSync('model.keras'), new RandomState(1));
 */
export function mutate(src: Uint8Array, rng: RandomState): Uint8Array {
  let b = Uint8Array.from(src); // a copy even when src is a Buffer (whose slice is a view)
  const at = () => rng.randint(0, Math.max(1, b.length));
  switch (rng.randint(0, 6)) {
    case 0:
      for (let k = rng.randint(1, 4); k > 0; k--) b[at()] ^= 1 << rng.randint(0, 8);
      break;
    case 1:
      b[at()] = [0, 0xff, 0x7f, 0x80, 0x0a, 0x2e][rng.randint(0, 6)]!;
      break;
    case 2: {
      const p = Math.min(at(), b.length - 4);
      const v = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000, 1][rng.randint(0, 5)]!;
      if (p >= 0) new DataView(b.buffer).setUint32(p, v, rng.randint(0, 2) === 0);
      break;
    }
    case 3:
      b = b.slice(0, at());
      break;
    case 4: {
      const p = at();
      const extra = Uint8Array.from({ length: rng.randint(1, 9) }, () => rng.randint(0, 256));
      b = new Uint8Array([...b.subarray(0, p), ...extra, ...b.subarray(p)]);
      break;
    }
    default: {
      const p = at();
      b = new Uint8Array([...b.subarray(0, p), ...b.subarray(p + rng.randint(1, 9))]);
    }
  }
  return b;
}

/**
 * A single bit flip or a truncation, the two damages a disk or a broken copy makes most often.
 *
 * @example
 * const damaged = flipOrTruncate(bytes, new RandomState(2));
 */
export function flipOrTruncate(src: Uint8Array, rng: RandomState): Uint8Array {
  if (rng.randint(0, 4) === 0) return Uint8Array.from(src.subarray(0, rng.randint(0, src.length)));
  const b = Uint8Array.from(src);
  b[rng.randint(0, b.length)] ^= 1 << rng.randint(0, 8);
  return b;
}
