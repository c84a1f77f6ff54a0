import type { RnnSequenceArgs, TensorInfo } from '../../backend/backend.js';
import type { KernelExports } from './generated/kernels-exports.js';
import type { Heap } from './heap.js';

/** `count` gradient rows of Gp floats at `at`, whose column sums make a bias gradient. */
export interface Rows {
  readonly at: number;
  readonly count: number;
}

/** A storage's wasm address (0 for none). */
export const ptr = (x: TensorInfo | null): number => (x ? (x.data as number) : 0);

/**
 * One call of a fused recurrent kernel: its sizes, and the temporaries it allocates (all freed by
 * `done`). The recurrences run in AssemblyScript (assembly/rnn-*.ts); everything that is a product
 * over all steps at once runs as one GEMM here: the input projection x̃·K before the forward, and
 * dx, dK, dR after the backward, from the per-step gate gradients the backward leaves (rows b·T + t,
 * like x). Gate blocks are padded to Up units (a multiple of 4) inside; see assembly/rnn-common.ts.
 */
export class Frame {
  readonly B: number;
  readonly T: number;
  readonly I: number;
  readonly U: number;
  readonly Up: number;
  /** Padded gate row: G·Up floats. */
  readonly Gp: number;
  readonly k: KernelExports;
  private readonly temps: number[] = [];
  /** Where x̃ is kept in the workspace (0: nowhere) and whether it is written yet. */
  private kept = { at: 0, filled: false };

  constructor(
    readonly heap: Heap,
    readonly args: RnnSequenceArgs,
    readonly G: number,
  ) {
    [this.B, this.T, this.I] = args.x.shape as [number, number, number];
    this.U = args.recurrentKernel.shape[0]!;
    this.Up = Math.ceil(this.U / 4) * 4;
    this.Gp = G * this.Up;
    this.k = heap.k;
  }

  temp(size: number): number {
    const p = this.heap.malloc(size);
    this.temps.push(p);
    return p;
  }

  done(): void {
    for (const p of this.temps) this.heap.free(p);
  }

  /** A compact [rows, g·U] matrix at p in padded layout [rows, g·Up] (p itself when U = Up). */
  pad(p: number, rows: number, g = this.G): number {
    if (this.U === this.Up) return p;
    const out = this.temp(rows * g * this.Up);
    this.k.rnnPad(p, rows, g, this.U, this.Up, out);
    return out;
  }

  /** Row `row` of the bias, padded, or 0 when there is none (GRU resetAfter: row 1 is b_rec). */
  bias(row: number): number {
    const b = this.args.bias;
    const width = this.G * this.U;
    if (!b || (row + 1) * width > b.shape.reduce((a, n) => a * n, 1)) return 0;
    return this.pad(ptr(b) + row * width * 4, 1);
  }

  /** The input bias for a forward kernel (padded), or 0 when there is none or `project` adds it (the fold). */
  inputBias(): number {
    return this.args.embedding ? 0 : this.bias(0);
  }

  get back(): number {
    return this.args.goBackwards ? 1 : 0;
  }
  get mask(): number {
    return ptr(this.args.mask);
  }
  /** The recurrent dropout, padded [B, Up], or 0. */
  rd(): number {
    const d = this.args.recurrentDropout;
    return d ? this.pad(ptr(d), this.B, 1) : 0;
  }

  /** The initial h and c (compact [B, U]), or 0 for zeros. */
  get h0(): number {
    return ptr(this.args.initialH);
  }
  get c0(): number {
    return ptr(this.args.initialC);
  }

  /** Where a backward writes the gradient of an initial state: a new [B, U] buffer, or 0 when there is none. */
  stateGrad(initial: TensorInfo | null): number {
    return initial ? this.heap.malloc(this.B * this.U) : 0;
  }

  /** The padded recurrent kernel [U, Gp]. */
  recurrent(): number {
    return this.pad(ptr(this.args.recurrentKernel), this.U);
  }

  /** Its padded transpose [Gp, Up]: a gate-gradient row times it is the state gradient. */
  transposed(): number {
    const out = this.temp(this.Gp * this.Up);
    this.k.rnnTransposePad(ptr(this.args.recurrentKernel), this.U, this.G, this.Up, out);
    return out;
  }

  /**
   * x̃ [B·T, I]: x, or x ⊙ inputDropout. With input dropout the forward writes x̃ after its kernel's
   * part of the workspace (see `workspace`) and the backward reads it back (see `keptIn`), instead of
   * multiplying again for dK.
   */
  inputs(): number {
    const { B, T, I } = this;
    const d = this.args.inputDropout;
    if (!d) return ptr(this.args.x);
    if (this.kept.filled) return this.kept.at;
    const out = this.kept.at || this.temp(B * T * I);
    this.k.rnnDropRows(ptr(this.args.x), ptr(d), B, T, I, out);
    this.kept = { at: out, filled: true };
    return out;
  }

  /**
   * A forward's workspace: `size` floats for its kernel, then room for x̃ when there is input
   * dropout. Returns its address and its whole size in floats; `optional` (a kernel that needs none
   * of its own): address 0 when there is nothing to keep.
   */
  workspace(size: number, optional = false): { ws: number; wsSize: number } {
    const extra = this.args.inputDropout ? this.B * this.T * this.I : 0;
    const wsSize = size + extra;
    const ws = optional && wsSize === 0 ? 0 : this.heap.malloc(wsSize);
    if (extra > 0) this.kept = { at: ws + size * 4, filled: false };
    return { ws, wsSize };
  }

  /** In a backward: the forward left x̃ in its workspace `ws` after `size` floats (with input dropout). */
  keptIn(ws: number, size: number): void {
    if (this.args.inputDropout && ws !== 0) this.kept = { at: ws + size * 4, filled: true };
  }

  /**
   * x̃·K for every step at once: xp [B·T, Gp], rows b·T + t, and xpRows 0. From an Embedding lookup,
   * the table's projection P = table·K [V, Gp] (a GEMM over V rows instead of B·T) and xpRows = the
   * indices: the kernels read row indices[b·T + t] of P.
   */
  project(): { xp: number; xpRows: number } {
    const { B, T, I, Gp } = this;
    const kernel = this.pad(ptr(this.args.kernel), I);
    const e = this.args.embedding;
    if (e) {
      const V = e.table.shape[0]!;
      const p = this.temp(V * Gp);
      this.gemm(V, Gp, I, ptr(e.table), I, 1, kernel, Gp, 1, p, Gp);
      // The input bias once per table row instead of once per row and step (same float additions).
      const bias = this.bias(0);
      if (bias !== 0) this.k.biasAct(p, bias, V, Gp, 0);
      return { xp: p, xpRows: ptr(e.indices) };
    }
    const xp = this.temp(B * T * Gp);
    this.gemm(B * T, Gp, I, this.inputs(), I, 1, kernel, Gp, 1, xp, Gp);
    return { xp, xpRows: 0 };
  }

  /**
   * c[m, n] (row stride ldc) = a·b (+= with acc); a(i, p) at a + 4(i·rsa + p·csa), b likewise. Empty
   * products write zeros. Every product over all steps goes through here, and from here through the
   * heap's one GEMM entry.
   */
  gemm(
    m: number,
    n: number,
    k: number,
    a: number,
    rsa: number,
    csa: number,
    b: number,
    rsb: number,
    csb: number,
    c: number,
    ldc: number,
    acc = false,
  ): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!acc) for (let i = 0; i < m; i++) this.heap.fill(c + i * ldc * 4, n, 0, 'float32');
      return;
    }
    this.heap.gemm({ m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, accumulate: acc ? 1 : 0 });
  }

  /** A [rows, G·U] result: the output itself when U = Up, else a padded temporary, then `finish`. */
  result(rows: number): { out: number; work: number; finish: () => void } {
    const out = this.heap.malloc(rows * this.G * this.U);
    if (this.U === this.Up) return { out, work: out, finish: () => {} };
    const work = this.temp(rows * this.Gp);
    return { out, work, finish: () => this.k.rnnUnpad(work, rows, this.G, this.U, this.Up, out) };
  }

  /**
   * dx = dX·Kᵀ ⊙ inputDropout, dK = x̃ᵀ·dX (dX: gradients of x̃·K, [B·T, Gp]), and the rows whose
   * column sums are the input bias's gradient: dX's, or with the fold the V rows of dP.
   */
  inputGrads(dX: number): { dx: number | null; dKernel: number; dTable?: number; biasRows: Rows } {
    const { B, T, I, Gp } = this;
    if (this.args.embedding) return this.tableGrads(dX);
    const dx = this.heap.malloc(B * T * I);
    this.gemm(B * T, I, Gp, dX, Gp, 1, this.pad(ptr(this.args.kernel), I), 1, Gp, dx, I);
    const d = this.args.inputDropout;
    if (d) this.k.rnnDropRows(dx, ptr(d), B, T, I, dx);
    const dK = this.result(I);
    this.gemm(I, Gp, B * T, this.inputs(), 1, I, dX, Gp, 1, dK.work, Gp);
    dK.finish();
    return { dx, dKernel: dK.out, biasRows: this.perStep(dX) };
  }

  /** Per-step gradients [B·T, Gp] as bias-gradient rows. */
  perStep(at: number): Rows {
    return { at, count: this.B * this.T };
  }

  /** From an Embedding lookup: dP = dX's rows added up by index, dTable = dP·Kᵀ, dK = tableᵀ·dP. */
  private tableGrads(dX: number): { dx: null; dKernel: number; dTable: number; biasRows: Rows } {
    const { B, T, I, Gp } = this;
    const { table, indices } = this.args.embedding!;
    const V = table.shape[0]!;
    const dP = this.temp(V * Gp);
    this.k.scatterAddRows(false, dX, ptr(indices), B * T, 1, V, Gp, dP);
    const dTable = this.heap.malloc(V * I);
    this.gemm(V, I, Gp, dP, Gp, 1, this.pad(ptr(this.args.kernel), I), 1, Gp, dTable, I);
    const dK = this.result(I);
    this.gemm(I, Gp, V, ptr(table), 1, I, dP, Gp, 1, dK.work, Gp);
    dK.finish();
    return { dx: null, dKernel: dK.out, dTable, biasRows: { at: dP, count: V } };
  }

  /**
   * dR = h̃ᵀ·dH over the first `cols` padded columns of dH [B·T, Gp] (h̃ rebuilt from y); `extra`
   * may add more columns to the padded result before it is compacted.
   */
  recurrentGrad(dH: number, y: number, cols: number, extra?: (work: number) => void): number {
    const { B, T, U, Gp } = this;
    const hd = this.temp(B * T * U);
    this.k.rnnPrevStates(y, ptr(this.args.recurrentDropout), B, T, U, this.args.goBackwards, hd, this.h0);
    const dR = this.result(U);
    this.gemm(U, cols, B * T, hd, 1, U, dH, Gp, 1, dR.work, Gp);
    extra?.(dR.work);
    dR.finish();
    return dR.out;
  }

  /** Column sums of gradient rows [count, Gp] into bias rows, one source per bias row. */
  biasGrad(...sources: Rows[]): number {
    const { Gp } = this;
    const db = this.result(sources.length);
    const partial = this.temp(Gp);
    for (const [i, { at, count }] of sources.entries())
      this.k.rnnColSum(at, count, Gp, partial, db.work + i * Gp * 4);
    db.finish();
    return db.out;
  }
}

/** Runs `fn` with a Frame for one kernel call and frees the Frame's temporaries after it. */
export function inFrame<R>(heap: Heap, args: RnnSequenceArgs, G: number, fn: (f: Frame) => R): R {
  const f = new Frame(heap, args, G);
  try {
    return fn(f);
  } finally {
    f.done();
  }
}
