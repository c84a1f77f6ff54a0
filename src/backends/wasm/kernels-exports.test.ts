import { describe, expect, it } from 'vitest';
import {
  type GemmArgs,
  MAX_ARG_BLOCK_BYTES,
  readGemmArgs,
  readLstmForwardArgs,
  writeGemmArgs,
  writeLstmForwardArgs,
} from './generated/kernels-exports.js';
import { instantiateKernels } from './kernels.js';

// The generated bindings (scripts/wasm-bindings.mjs): argument blocks laid out by the AssemblyScript
// compiler, written and read through typed functions. The @ts-expect-error lines are checked by
// `tsc --noEmit`: if one of those calls ever compiled, the type check would fail.

const k = instantiateKernels();
const mem = () => ({ i32: new Int32Array(k.memory.buffer), f32: new Float32Array(k.memory.buffer) });
const block = Math.ceil(k.heapBase() / 16) * 16;

describe('generated wasm bindings', () => {
  it('a written block reads back field by field, pointers above 2³¹ included', () => {
    const g: GemmArgs = {
      m: 3,
      n: 5,
      k: 7,
      a: 2 ** 31 + 8,
      rsa: 7,
      csa: 1,
      b: 64,
      rsb: 5,
      csb: 1,
      c: 128,
      ldc: 5,
      accumulate: 1,
    };
    expect(readGemmArgs(mem(), writeGemmArgs(mem(), block, g))).toEqual(g);
    const fields = {
      xp: 16,
      xpRows: 0,
      rp: 32,
      bias: 0,
      mask: 0,
      rd: 48,
      B: 2,
      T: 3,
      U: 5,
      Up: 8,
      back: 1,
      wsB: 2,
    };
    const lstm = { ...fields, y: 64, ws: 80, hOut: 96, cOut: 112, scratch: 128, h0: 144, c0: 0 };
    expect(readLstmForwardArgs(mem(), writeLstmForwardArgs(mem(), block, lstm))).toEqual(lstm);
    expect(MAX_ARG_BLOCK_BYTES).toBeGreaterThanOrEqual(19 * 4); // LSTM's 19 four-byte fields
  });

  it('the kernels read the blocks the writers write: a GEMM through its block', () => {
    const [a, b, c] = [block + 256, block + 512, block + 768];
    new Float32Array(k.memory.buffer, a, 6).set([1, 2, 3, 4, 5, 6]); // [2, 3]
    new Float32Array(k.memory.buffer, b, 6).set([1, 0, 0, 1, 1, 1]); // [3, 2]
    const scratch = block + 4096;
    k.memory.grow(Math.ceil((scratch + k.gemmScratchBytes()) / 65536));
    const args = { m: 2, n: 2, k: 3, a, rsa: 3, csa: 1, b, rsb: 2, csb: 1, c, ldc: 2, accumulate: 0 };
    k.gemm(writeGemmArgs(mem(), block, args), scratch);
    expect(Array.from(new Float32Array(k.memory.buffer, c, 4))).toEqual([4, 5, 10, 11]);
  });

  it('a bare number, a block of the wrong kind or a missing field does not type-check', () => {
    const args: GemmArgs = {
      m: 1,
      n: 1,
      k: 1,
      a: 0,
      rsa: 1,
      csa: 1,
      b: 0,
      rsb: 1,
      csb: 1,
      c: 0,
      ldc: 1,
      accumulate: 0,
    };
    const g = writeGemmArgs(mem(), block, args);
    const { accumulate: _, ...missing } = args;
    const wrong = () => {
      // @ts-expect-error: a plain pointer is not a GemmArgs block
      k.gemm(block, 0);
      // @ts-expect-error: a GemmArgs block is not an LstmForwardArgs block
      k.lstmForward(g);
      // @ts-expect-error: 'accumulate' is missing
      writeGemmArgs(mem(), block, missing);
    };
    expect(typeof wrong).toBe('function'); // never called: the point is that it does not compile
  });
});
