/**
 * The body of a pool worker, as plain JavaScript run with `new Worker(source, { eval: true })`. Why a
 * string and not a module file: a worker needs a file Node can load as is, and our sources are
 * TypeScript until built (tests and `tsx` run them untranspiled on disk); a string works the same from
 * src/ and from dist/, and needs no bundler support.
 *
 * The worker instantiates the shared-memory kernels on the memory it is given, then serves jobs from
 * the control block (layout and protocol in pool.ts): it claims chunks until none are left, spins
 * briefly for the next job (a training step's next GEMM usually follows within microseconds) and
 * otherwise sleeps in Atomics.wait. It never throws out of a job: a failure sets the error word, so
 * the main thread never waits forever.
 */
export const POOL_WORKER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
const { memory, module, control, index, scratch, names, spinMs, maxArgs } = workerData;
const GEN = 0, CLAIM = 1, DONE = 2, ERROR = 3, STOP = 4, OP = 5, NARGS = 6, SCRATCH_ARG = 7, STATE = 8;
const STARTING = 1, READY = 2, FAILED = 4; // 3 is CANCELLED, set only by the main thread
const ctl = new Int32Array(memory.buffer, control, 16);
const args = new Float64Array(memory.buffer, control + 64);

/** Claims and runs chunks of job \`gen\` until none is left (or a newer job replaced it). */
function work(fns, gen) {
  for (;;) {
    const claim = Atomics.load(ctl, CLAIM);
    const left = claim & 0xffff;
    if (claim >>> 16 !== (gen & 0xffff) || left === 0) return;
    if (Atomics.compareExchange(ctl, CLAIM, claim, claim - 1) !== claim) continue;
    // Chunk left-1 is ours; the job cannot change before it is done, so its arguments are current.
    const at = (left - 1) * maxArgs;
    const a = Array.from(args.subarray(at, at + ctl[NARGS]));
    if (ctl[SCRATCH_ARG] >= 0) a[ctl[SCRATCH_ARG]] = scratch;
    try {
      fns[ctl[OP]](...a);
    } catch {
      Atomics.store(ctl, ERROR, gen);
    }
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}

function serve(kernels) {
  const fns = names.map((name) => kernels[name]);
  let seen = 0; // the block starts zeroed: a job posted before this line still counts as new
  for (;;) {
    const spinUntil = performance.now() + spinMs;
    while (Atomics.load(ctl, GEN) === seen) {
      if (performance.now() > spinUntil) Atomics.wait(ctl, GEN, seen);
    }
    seen = Atomics.load(ctl, GEN);
    if (Atomics.load(ctl, STOP) !== 0) return;
    work(fns, seen);
  }
}

// The main thread may give up on a slow start (CANCELLED); claiming STARTING first means a worker
// either never touches the memory or is known to be instantiating it (which rewrites static data).
if (Atomics.compareExchange(ctl, STATE + index, 0, STARTING) === 0) {
  let kernels = null;
  try {
    kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  } catch {}
  Atomics.store(ctl, STATE + index, kernels ? READY : FAILED);
  Atomics.notify(ctl, STATE + index);
  if (kernels) serve(kernels);
}
`;
