import { DataFormatError } from '../errors.js';

/**
 * A bounds-checked cursor over untrusted bytes. Every read checks the remaining length first, so a
 * truncated or lying file becomes a DataFormatError naming the file, never an out-of-bounds read.
 *
 * @example
 * const r = new ByteReader(bytes, 'file.idx');
 * const magic = r.u32be('magic'); // throws DataFormatError 'file.idx: truncated: …' on a short file
 */
export class ByteReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly path: string,
    start = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  fail(detail: string): never {
    throw new DataFormatError(this.path, detail);
  }

  /** Throws unless `n` more bytes are available for `what`. */
  need(n: number, what: string): void {
    if (!(n >= 0) || n > this.remaining) {
      this.fail(`truncated: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.remaining} left`);
    }
  }

  seek(pos: number, what: string): void {
    if (!(pos >= 0 && pos <= this.bytes.length)) this.fail(`${what} offset ${pos} is outside the file`);
    this.pos = pos;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16le(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32le(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u32be(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }

  /** A little-endian uint64 as a number; values past 2^53 cannot be real offsets or sizes here. */
  u64le(what: string): number {
    this.need(8, what);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    if (hi >= 0x200000) this.fail(`${what} ${hi}·2^32 is too large`);
    this.pos += 8;
    return hi * 0x100000000 + lo;
  }

  /** A view of the next `n` bytes (no copy). */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/**
 * Shorthand for a format error about `path`.
 *
 * @example
 * throw formatError('a.npz', "missing member 'x.npy'"); // DataFormatError: a.npz: missing member 'x.npy'
 */
export function formatError(path: string, detail: string): DataFormatError {
  return new DataFormatError(path, detail);
}

/**
 * The product of `shape`, or an error when a dimension is not a non-negative safe integer.
 *
 * @example
 * elementCount([60000, 28, 28], 'x.npy', 'shape'); // 47040000
 * elementCount([-1], 'x.npy', 'shape'); // throws DataFormatError: x.npy: shape: bad dimension -1
 */
export function elementCount(shape: readonly number[], path: string, what: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw formatError(path, `${what}: bad dimension ${d}`);
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw formatError(path, `${what}: shape [${shape.join(',')}] is too large`);
  return n;
}
