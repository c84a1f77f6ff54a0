/**
 * Finds and loads the optional native GEMM addon (native/, built at install by native/build.mjs).
 * Loading can fail in many ways (never built, built for another Node, a missing shared library, a
 * corrupt or foreign file, a build of another interface version); each one leaves the wasm backend on
 * its own kernels and is reported by `nativeStatus()` with the reason. Nothing here throws.
 *
 * Environment: TENSILE_NATIVE=0 turns the addon off; TENSILE_NATIVE_PATH loads a given .node file;
 * TENSILE_NATIVE_LIB=onednn|openblas picks one of the builds; TENSILE_NATIVE_THREADS picks how large
 * GEMMs use the cores (see `nativeThreadMode`; 1 inside a study's worker process);
 * TENSILE_NATIVE_SPIN_US sets how long the split's helper thread spins for work before sleeping;
 * TENSILE_NATIVE_CONV=0 keeps convolutions off the oneDNN build's convolution primitives (native-conv.ts);
 * TENSILE_MALLOC_TUNING=0 leaves glibc malloc's thresholds alone (malloc-tuning.ts).
 */
import { type TuneMalloc, tuneMallocFromEnv } from './malloc-tuning.js';
import { parseNativeThreads } from './native-mode.js';

export { type NativeThreadMode, parseNativeThreads } from './native-mode.js';

/** The interface version the addon must report (TENSILE_NATIVE_ABI in native/tensile_native.c). */
export const NATIVE_ABI = 5;
/** The `threads` argument of `sgemm` that splits C's rows between the caller and the helper thread. */
export const SPLIT_THREADS = 0;

/** The helper thread's state and counters (native/helper_thread.c, native/split_plan.c). */
export interface HelperStats {
  /** The thread exists in this process. */
  readonly running: boolean;
  /** Why it could not be started (split products then run in one call), or null. */
  readonly error: string | null;
  readonly spinMicros: number;
  /** Products computed split; asked to split but computed in one call; ... because another thread had the helper. */
  readonly splits: number;
  readonly whole: number;
  readonly busy: number;
  /** Product shapes found bit-identical when split, and shapes that never are (computed in one call). */
  readonly verifiedShapes: number;
  readonly refusedShapes: number;
  /** Parts the helper computed: caught while spinning, or after sleeping; parts the caller took back. */
  readonly helperJobs: number;
  readonly spins: number;
  readonly sleeps: number;
  readonly takenBack: number;
  /** Times the caller slept waiting for the helper's part. */
  readonly callerSleeps: number;
}

/** The addon's exports, as native/tensile_native.c defines them. */
export interface NativeAddon {
  readonly abi: number;
  /**
   * C[m×n] = alpha·op(A)·op(B) + beta·C in place on `memory` (offsets in bytes, row-major, flags 0/1).
   * Throws (computing nothing) on any argument that would read or write outside `memory`.
   */
  sgemm(
    memory: Float32Array,
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    aOffset: number,
    lda: number,
    bOffset: number,
    ldb: number,
    beta: number,
    cOffset: number,
    ldc: number,
    /** BLAS threads, or SPLIT_THREADS (0): C's rows split between this thread and the helper thread. */
    threads: number,
  ): void;
  /** Defers asynchronous signals on this thread until releaseSignals() (see native/tensile_native.c). */
  holdSignals(): void;
  /** Restores the signal mask holdSignals() found; pending signals are delivered at once. */
  releaseSignals(): void;
  info(): { library: string; version: string; kernel: string; maxThreads: number };
  helperStats(): HelperStats;
  /** How long the helper (and its caller) spin for each other before sleeping, in µs (0-1000000). */
  setHelperSpin(micros: number): void;
  /** Fixes glibc malloc's mmap and trim thresholds (bytes); false when malloc is not glibc's. */
  tuneMalloc: TuneMalloc;
  /** True when this build computes convolutions (the oneDNN build; OpenBLAS has none). */
  readonly convolutions: boolean;
  /**
   * One convolution pass by oneDNN in place on `memory` (native/conv_js.c documents the arguments);
   * false when oneDNN has no implementation for the geometry. Only when `convolutions`.
   */
  conv2d?(
    memory: Float32Array,
    mode: number,
    geometry: readonly number[],
    a: number,
    b: number,
    c: number,
    d: number,
    relu: number,
    threads: number,
  ): boolean;
  /** Primitives created, calls computed, calls declined (no implementation but oneDNN's reference loops), the last implementation chosen. */
  convStats?(): { primitives: number; calls: number; unsupported: number; lastImplementation: string };
}

/**
 * Which GEMM path the wasm backend uses, and why.
 *
 * @example
 * import { nativeStatus } from 'tensile';
 * const s = nativeStatus();
 * console.log(s.active ? `${s.library} on ${s.threads} threads` : `wasm only: ${s.reason}`);
 */
export interface NativeStatus {
  /** True when large GEMMs run in the addon. */
  readonly active: boolean;
  /** Why it is on or off, in words (e.g. 'not built', 'TENSILE_NATIVE=0', a load error). */
  readonly reason: string;
  readonly library?: string;
  readonly version?: string;
  /** The CPU kernel the library picked (oneDNN's ISA, OpenBLAS's core name). */
  readonly kernel?: string;
  /** Threads for large GEMMs: the most used (see `threadsFixed`); 2 when `split`. */
  readonly threads?: number;
  /**
   * True when large products (m·n·k ≥ NATIVE_SPLIT_MIN_MNK) may split C's rows between the calling
   * thread and the addon's helper thread (timed against one thread per product size).
   */
  readonly split?: boolean;
  /** Why this thread mode, in words (the setting, the default, or a setting that was refused). */
  readonly threadsReason?: string;
  /**
   * True when TENSILE_NATIVE_THREADS fixed the count; otherwise each large product size is timed on
   * one thread and on `threads`, and the faster is used (a busy second core makes two threads slower).
   */
  readonly threadsFixed?: boolean;
  /** True when this build computes convolutions with oneDNN's primitives (the OpenBLAS build has none). */
  readonly convolutions?: boolean;
  /** How malloc is set up for the addon's allocations, in words (see malloc-tuning.ts). */
  readonly malloc?: string;
  readonly file?: string;
}

interface Loaded {
  readonly addon: NativeAddon | null;
  readonly status: NativeStatus;
}

interface BuildRecord {
  chosen?: string;
  nodeAbi?: string;
  builds?: { library: string; file: string }[];
}

interface NodeProcess {
  env: Record<string, string | undefined>;
  versions: Record<string, string | undefined>;
  argv: string[];
  getBuiltinModule?: (id: string) => unknown;
}
type Require = (id: string) => unknown;

const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;

/** Checks that a loaded module is the addon this code speaks to; returns the problem, if any. */
export function addonProblem(exports: unknown): string | null {
  const a = exports as Partial<NativeAddon> | null;
  if (typeof a !== 'object' || a === null) return 'it exports nothing';
  if (a.abi !== NATIVE_ABI)
    return `its interface version is ${String(a.abi)}, this Tensile needs ${NATIVE_ABI}`;
  if (typeof a.sgemm !== 'function') return 'it has no sgemm function';
  if (typeof a.info !== 'function') return 'it has no info function';
  if (typeof a.holdSignals !== 'function' || typeof a.releaseSignals !== 'function')
    return 'it has no holdSignals/releaseSignals functions';
  if (typeof a.helperStats !== 'function' || typeof a.setHelperSpin !== 'function')
    return 'it has no helperStats/setHelperSpin functions';
  if (typeof a.tuneMalloc !== 'function') return 'it has no tuneMalloc function';
  if (typeof a.convolutions !== 'boolean') return 'it has no convolutions flag';
  if (a.convolutions && (typeof a.conv2d !== 'function' || typeof a.convStats !== 'function'))
    return 'it claims convolutions but has no conv2d/convStats functions';
  return null;
}

const off = (reason: string, file?: string): Loaded => ({
  addon: null,
  status: { active: false, reason, file },
});

/** The first line of an error, for a one-line reason. */
const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

/**
 * Loads the addon from an explicit path or from native/out (as recorded by native/build.mjs).
 * `requireFn` and `outDir` are parameters so tests can point them elsewhere.
 */
export function loadNativeAddon(proc = nodeProcess(), requireFn?: Require, outDir?: string): Loaded {
  if (!proc?.getBuiltinModule) return off('not running under Node');
  const env = proc.env;
  if (env.TENSILE_NATIVE === '0') return off('turned off by TENSILE_NATIVE=0');
  const fs = proc.getBuiltinModule('node:fs') as typeof import('node:fs');
  const path = proc.getBuiltinModule('node:path') as typeof import('node:path');
  const url = proc.getBuiltinModule('node:url') as typeof import('node:url');
  const mod = proc.getBuiltinModule('node:module') as typeof import('node:module');
  const os = proc.getBuiltinModule('node:os') as typeof import('node:os');
  const req: Require = requireFn ?? mod.createRequire(import.meta.url);
  let file = env.TENSILE_NATIVE_PATH;
  if (!file) {
    // src/backends/wasm and dist/backends/wasm are both three levels below the package root.
    const dir = outDir ?? url.fileURLToPath(new URL('../../../native/out/', import.meta.url));
    const recordFile = path.join(dir, 'native.json');
    if (!fs.existsSync(recordFile)) return off('not built (run `npx tensile build-native`)');
    let record: BuildRecord;
    try {
      record = JSON.parse(fs.readFileSync(recordFile, 'utf8')) as BuildRecord;
    } catch (e) {
      return off(`unreadable build record ${recordFile}: ${firstLine(e)}`);
    }
    if (record.nodeAbi !== proc.versions.modules) {
      return off(
        `built for Node ABI ${record.nodeAbi}, this Node is ${proc.versions.modules} (run \`npx tensile build-native\`)`,
      );
    }
    const lib = env.TENSILE_NATIVE_LIB || record.chosen;
    const build = record.builds?.find((b) => b.library === lib);
    if (!build) return off(`no ${lib} build in ${recordFile}`);
    file = path.join(dir, path.basename(build.file));
  }
  let exports: unknown;
  try {
    exports = req(file);
  } catch (e) {
    return off(`failed to load: ${firstLine(e)}`, file);
  }
  const problem = addonProblem(exports);
  if (problem) return off(`${file} is not usable: ${problem}`, file);
  const addon = exports as NativeAddon;
  try {
    const info = addon.info();
    const mode = parseNativeThreads(env, os.availableParallelism?.() ?? os.cpus().length);
    if (mode.spinMicros !== undefined) addon.setHelperSpin(mode.spinMicros);
    const reason = env.TENSILE_NATIVE_PATH ? 'loaded from TENSILE_NATIVE_PATH' : 'built at install';
    const threads = mode.split ? 2 : mode.threads;
    const { threadsFixed, split, reason: threadsReason } = mode;
    const convolutions = addon.convolutions;
    const malloc = tuneMallocFromEnv((m, t) => addon.tuneMalloc(m, t), env);
    return {
      addon,
      status: {
        active: true,
        reason,
        ...info,
        threads,
        threadsFixed,
        split,
        threadsReason,
        convolutions,
        malloc,
        file,
      },
    };
  } catch (e) {
    return off(`${file} failed its info() call: ${firstLine(e)}`, file);
  }
}

let loaded: Loaded | undefined;

/** The process's addon, loaded on first use (null when off); see `nativeStatus` for why. */
export function nativeAddon(): NativeAddon | null {
  loaded ??= loadNativeAddon();
  return loaded.addon;
}

/** The split's helper-thread counters, or null when the addon is off (for debugging and benches). */
export function nativeHelperStats(): HelperStats | null {
  return nativeAddon()?.helperStats() ?? null;
}

/**
 * Whether the wasm backend's large GEMMs run in the native addon, and why (or why not).
 *
 * @example
 * import { nativeStatus } from 'tensile';
 * const s = nativeStatus();
 * console.log(typeof s.active, s.reason.length > 0); // boolean true
 */
export function nativeStatus(): NativeStatus {
  loaded ??= loadNativeAddon();
  return loaded.status;
}
