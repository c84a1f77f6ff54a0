// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// A thread's scratch (the GEMM's packing buffers, then a work area of the Winograd kernels) and the
// GEMM called from inside the module. On a shared memory every thread runs the kernels at once, and
// the module's static data is shared by all of them, so each call brings its own buffers.

// biome-ignore lint/style/useImportType: AssemblyScript has no type-only imports.
import { GemmArgs, gemm, gemmScratchBytes } from './gemm';

/**
 * Bytes of the Winograd work area a thread's scratch holds after the GEMM's (see threadScratchBytes):
 * a block of transformed tiles of up to 1 MB (winograd.ts on the JS side sizes blocks to that).
 */
const WORK_BYTES: i32 = 1 << 20;

export function winogradWorkBytes(): i32 {
  return WORK_BYTES;
}

/**
 * Bytes of one thread's scratch: the GEMM's packing buffers, then a Winograd work area and a GEMM
 * argument block, so threads sharing a Winograd call each work in their own buffers.
 */
export function threadScratchBytes(): i32 {
  return gemmScratchBytes() + WORK_BYTES + 64;
}

/**
 * The Winograd kernels' work buffer and GEMM argument block: the call's own (t, gemmArgs), or with
 * t = 0 the calling thread's, after the GEMM's packing buffers in its scratch.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see math.ts).
export class Work {
  @inline static at(t: usize, scratch: usize): usize {
    return t !== 0 ? t : scratch + <usize>gemmScratchBytes();
  }
  @inline static gemmArgs(t: usize, gemmArgs: usize, scratch: usize): usize {
    return t !== 0 ? gemmArgs : scratch + <usize>(gemmScratchBytes() + WORK_BYTES);
  }
}

/** One call of the module's GEMM from inside the module, through the argument block at `args`. */
// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see math.ts).
export class Gemm {
  @inline static run(
    pa: usize,
    rsa: i32,
    csa: i32,
    pb: usize,
    rsb: i32,
    pc: usize,
    m: i32,
    n: i32,
    k: i32,
    accumulate: bool,
    args: usize,
    scratch: usize,
  ): void {
    const g = changetype<GemmArgs>(args);
    g.m = m;
    g.n = n;
    g.k = k;
    g.a = pa;
    g.rsa = rsa;
    g.csa = csa;
    g.b = pb;
    g.rsb = rsb;
    g.csb = 1;
    g.c = pc;
    g.ldc = n;
    g.accumulate = accumulate ? 1 : 0;
    gemm(g, scratch);
  }
}
