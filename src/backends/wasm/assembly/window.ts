// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Sliding-window kernels of the convolution and pooling ops, channels last (NHWC): patch extraction
// (im2col) and its adjoint (col2im), max pooling with the index of each window's first maximum, and
// its backward. They replace the composed pad + gather (+ argmax) chains of src/ops/conv.ts and
// pool.ts, which stay as the reference. Channels are innermost, so every inner loop is a contiguous
// run of c floats; runs of 4 go as one vector. Pointers are byte offsets; counts are elements.

/** The geometry of one window op (see src/ops/conv-geometry.ts) and its buffers. */
@unmanaged
class WindowArgs {
  n: i32;
  inH: i32;
  inW: i32;
  c: i32;
  kh: i32;
  kw: i32;
  strideH: i32;
  strideW: i32;
  dilationH: i32;
  dilationW: i32;
  padTop: i32;
  padLeft: i32;
  outH: i32;
  outW: i32;
  padValue: f32;
  /** The image [n, inH, inW, c] (im2col, maxPool) or its gradient (col2im, maxPoolBackward). */
  x: usize;
  /** The patches [n, outH, outW, kh·kw, c], the pooled output [n, outH, outW, c], or their gradient. */
  y: usize;
  /** int32 [n, outH, outW, c]: the flat index into x of each window's first maximum (max pooling). */
  index: usize;
  /**
   * The first image of the call: a call works on images [first, first + n) of the batches at x, y and
   * index (whose pointers stay those of image 0), so a batch split by images between threads gives
   * every part the same flat maxPool indexes as one call over the whole batch.
   */
  first: i32;
}

/** The per-cell row copy, a static method only because @inline is a decorator (see math.ts). */
// biome-ignore lint/complexity/noStaticOnlyClass: @inline needs a class member (see above).
class Cell {
  /** Copies c floats from src to dst (dst += src when `add`), 4 at a time while it can. */
  @inline static run(dst: usize, src: usize, c: i32, add: bool): void {
    let k = 0;
    for (; k + 4 <= c; k += 4) {
      const o = <usize>(k << 2);
      const v = v128.load(src + o);
      v128.store(dst + o, add ? f32x4.add(v128.load(dst + o), v) : v);
    }
    for (; k < c; k++) {
      const o = <usize>(k << 2);
      const v = load<f32>(src + o);
      store<f32>(dst + o, add ? load<f32>(dst + o) + v : v);
    }
  }
}

/**
 * Writes (or, for col2im, reads back) every window of x: im2col when `adjoint` is false. With no
 * column dilation, a window row that lies inside the image is kw·c contiguous floats in both x and
 * the patch, so it moves as one run (3 floats instead of 3 single-float cells for the CNN's first
 * layer); border rows go cell by cell.
 */
function windows(a: WindowArgs, adjoint: bool): void {
  const c = a.c;
  const kw = a.kw;
  const rowBytes = <usize>(c << 2);
  const pv = f32x4.splat(a.padValue);
  const contiguous = a.dilationW === 1;
  const imageBytes = <usize>(a.inH * a.inW) * rowBytes;
  if (adjoint) memory.fill(a.x + <usize>a.first * imageBytes, 0, <usize>a.n * imageBytes);
  let out = a.y + <usize>(a.first * a.outH * a.outW * a.kh * kw) * rowBytes;
  for (let b = a.first; b < a.first + a.n; b++) {
    const image = a.x + <usize>(b * a.inH * a.inW) * rowBytes;
    for (let oh = 0; oh < a.outH; oh++) {
      for (let ow = 0; ow < a.outW; ow++) {
        const iw0 = ow * a.strideW - a.padLeft;
        const rowInside = contiguous && iw0 >= 0 && iw0 + kw <= a.inW;
        for (let i = 0; i < a.kh; i++) {
          const ih = oh * a.strideH + i * a.dilationH - a.padTop;
          if (rowInside && ih >= 0 && ih < a.inH) {
            const cells = image + <usize>(ih * a.inW + iw0) * rowBytes;
            if (adjoint) Cell.run(cells, out, kw * c, true);
            else Cell.run(out, cells, kw * c, false);
            out += <usize>kw * rowBytes;
            continue;
          }
          for (let j = 0; j < kw; j++) {
            const iw = iw0 + j * a.dilationW;
            const inside = ih >= 0 && ih < a.inH && iw >= 0 && iw < a.inW;
            const cell = image + <usize>(ih * a.inW + iw) * rowBytes;
            if (adjoint) {
              if (inside) Cell.run(cell, out, c, true);
            } else if (inside) Cell.run(out, cell, c, false);
            else {
              let k = 0;
              for (; k + 4 <= c; k += 4) v128.store(out + <usize>(k << 2), pv);
              for (; k < c; k++) store<f32>(out + <usize>(k << 2), a.padValue);
            }
            out += rowBytes;
          }
        }
      }
    }
  }
}

/** Patches of x [n, inH, inW, c] into y [n, outH, outW, kh·kw, c]; the border reads padValue. */
export function im2col(a: WindowArgs): void {
  windows(a, false);
}

/** The adjoint of im2col: x = zeros, then every patch row of y added back where it was read. */
export function col2im(a: WindowArgs): void {
  windows(a, true);
}

/**
 * y[b, oh, ow, ch] = the max over the window (border cells never win: they act as -Infinity), and
 * index[...] = the flat x index of its first maximum in tap order (row, then column), as the
 * composed argmax picks it. A window with no real cell (impossible with 'same' or 'valid') gets
 * index -1 and y = -Infinity.
 *
 * NaN wins as argmax picks it (the first NaN of the window), so a NaN input shows in the output as
 * in the composed path and PyTorch.
 *
 * Branch-free over channels: which taps are real depends only on the window, so the first real tap
 * seeds y and index and every later one replaces them where it is strictly larger or the first NaN.
 * The data-dependent branch of a scalar
 * loop mispredicted about every other compare on ReLU outputs: 4.4 ms for the CNN's first pooling
 * layer at batch 32, against ~0.3 ms this way.
 */
export function maxPool(a: WindowArgs): void {
  const c = a.c;
  const c4 = c & ~3;
  const inH = a.inH;
  const inW = a.inW;
  const lanes = i32x4(0, 1, 2, 3);
  let o = a.first * a.outH * a.outW * c;
  for (let b = a.first; b < a.first + a.n; b++) {
    const base = b * inH * inW;
    for (let oh = 0; oh < a.outH; oh++) {
      const ih0 = oh * a.strideH - a.padTop;
      for (let ow = 0; ow < a.outW; ow++) {
        const iw0 = ow * a.strideW - a.padLeft;
        const y = a.y + <usize>(o << 2);
        const index = a.index + <usize>(o << 2);
        const ihEnd = ih0 + (a.kh - 1) * a.dilationH;
        const iwEnd = iw0 + (a.kw - 1) * a.dilationW;
        if (ih0 >= 0 && iw0 >= 0 && ihEnd < inH && iwEnd < inW) {
          // A window inside the image (almost all of them): no bounds checks, the first tap seeds.
          interiorWindow(a, base, ih0, iw0, c4, y, index);
        } else
          for (let ch = 0; ch < c4; ch += 4) {
            let best = f32x4.splat(-Infinity);
            let at = i32x4.splat(-1);
            let seeded = false;
            for (let i = 0; i < a.kh; i++) {
              const ih = ih0 + i * a.dilationH;
              if (ih < 0 || ih >= inH) continue;
              for (let j = 0; j < a.kw; j++) {
                const iw = iw0 + j * a.dilationW;
                if (iw < 0 || iw >= inW) continue;
                const flat = (base + ih * inW + iw) * c + ch;
                const v = v128.load(a.x + <usize>(flat << 2));
                const here = i32x4.add(i32x4.splat(flat), lanes);
                if (seeded) {
                  const larger = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
                  best = v128.bitselect(v, best, larger);
                  at = v128.bitselect(here, at, larger);
                } else {
                  best = v;
                  at = here;
                  seeded = true;
                }
              }
            }
            v128.store(y + <usize>(ch << 2), best);
            v128.store(index + <usize>(ch << 2), at);
          }
        for (let ch = c4; ch < c; ch++) {
          let best: f32 = -Infinity;
          let at = -1;
          for (let i = 0; i < a.kh; i++) {
            const ih = ih0 + i * a.dilationH;
            if (ih < 0 || ih >= inH) continue;
            for (let j = 0; j < a.kw; j++) {
              const iw = iw0 + j * a.dilationW;
              if (iw < 0 || iw >= inW) continue;
              const flat = (base + ih * inW + iw) * c + ch;
              const v = load<f32>(a.x + <usize>(flat << 2));
              // The first real cell always wins (even -Infinity or NaN), later ones when larger or the first NaN.
              if (at < 0 || v > best || (F32.isNaN(v) && !F32.isNaN(best))) {
                best = v;
                at = flat;
              }
            }
          }
          store<f32>(y + <usize>(ch << 2), best);
          store<i32>(index + <usize>(ch << 2), at);
        }
        o += c;
      }
    }
  }
}

/**
 * maxPool's vector channels of one window that lies inside the image: the same picks as the general
 * loop (first tap seeds, later ones win when strictly larger or the first NaN), without its bounds
 * checks and seeding branch.
 */
function interiorWindow(a: WindowArgs, base: i32, ih0: i32, iw0: i32, c4: i32, y: usize, index: usize): void {
  const c = a.c;
  const inW = a.inW;
  const lanes = i32x4(0, 1, 2, 3);
  const first = (base + ih0 * inW + iw0) * c;
  for (let ch = 0; ch < c4; ch += 4) {
    let best = v128.load(a.x + <usize>((first + ch) << 2));
    let at = i32x4.add(i32x4.splat(first + ch), lanes);
    for (let i = 0; i < a.kh; i++) {
      const row = (base + (ih0 + i * a.dilationH) * inW + iw0) * c + ch;
      for (let j = i === 0 ? 1 : 0; j < a.kw; j++) {
        const flat = row + j * a.dilationW * c;
        const v = v128.load(a.x + <usize>(flat << 2));
        const larger = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
        best = v128.bitselect(v, best, larger);
        at = v128.bitselect(i32x4.add(i32x4.splat(flat), lanes), at, larger);
      }
    }
    v128.store(y + <usize>(ch << 2), best);
    v128.store(index + <usize>(ch << 2), at);
  }
}

/**
 * dx [n, inH, inW, c] = zeros, then dy [n, outH, outW, c] added at each window's recorded maximum.
 * Every index of an image points into the same image, so calls on disjoint image ranges never write
 * the same cell.
 */
export function maxPoolBackward(a: WindowArgs): void {
  const image = a.inH * a.inW * a.c;
  memory.fill(a.x + ((<usize>(a.first * image)) << 2), 0, (<usize>(a.n * image)) << 2);
  const perImage = a.outH * a.outW * a.c;
  const end = (a.first + a.n) * perImage;
  for (let o = a.first * perImage; o < end; o++) {
    const at = load<i32>(a.index + <usize>(o << 2));
    if (at < 0) continue;
    const p = a.x + <usize>(at << 2);
    store<f32>(p, load<f32>(p) + load<f32>(a.y + <usize>(o << 2)));
  }
}
