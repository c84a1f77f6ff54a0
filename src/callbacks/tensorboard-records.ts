import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

// The TensorBoard event-file format, written by hand so no protobuf or TensorFlow dependency is
// needed. Field numbers come from tensorflow/core/util/event.proto, framework/summary.proto,
// tensor.proto and tensor_shape.proto; the record framing from tensorflow/core/lib/io/record_writer.

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    // 0x82F63B78 is the Castagnoli polynomial (0x1EDC6F41) bit-reversed, as TFRecord uses it.
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli) of a byte string, the checksum TFRecord files use. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotated and offset so a CRC of data holding CRCs stays well spread. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** Frames one record: u64 length, masked CRC of the length, data, masked CRC of the data (little endian). */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** A minimal protobuf writer: the wire types this format needs (varint, 64-bit, length-delimited). */
class Proto {
  private readonly parts: number[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.parts.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.parts.push(Number(v));
  }

  private key(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  double(field: number, value: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.parts.push(...b);
    return this;
  }

  bytes(field: number, value: Uint8Array | string): this {
    const b = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    this.key(field, 2);
    this.varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** TensorFlow's DataType enum values used here. */
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
/** SummaryMetadata.DataClass values (TensorBoard picks storage by them). */
const DATA_CLASS_SCALAR = 1;
const DATA_CLASS_TENSOR = 2;

/** TensorProto: dtype, shape, raw little-endian content (what TF's C++ summary writer emits). */
function tensorProto(dtype: number, shape: readonly number[], content: Uint8Array): Uint8Array {
  const shapeProto = new Proto();
  for (const d of shape) shapeProto.bytes(2, new Proto().int(1, d).finish());
  return new Proto().int(1, dtype).bytes(2, shapeProto.finish()).bytes(4, content).finish();
}

function summaryValue(tag: string, plugin: string, dataClass: number, tensor: Uint8Array): Uint8Array {
  const pluginData = new Proto().bytes(1, plugin).finish();
  const metadata = new Proto().bytes(1, pluginData).int(4, dataClass).finish();
  return new Proto().bytes(1, tag).bytes(8, tensor).bytes(9, metadata).finish();
}

/** Summary.Value of a scalar as TF2's `tf.summary.scalar` writes it: a float32 0-d tensor, plugin "scalars". */
export function scalarValue(tag: string, value: number): Uint8Array {
  const content = new Uint8Array(4);
  new DataView(content.buffer).setFloat32(0, value, true);
  return summaryValue(tag, 'scalars', DATA_CLASS_SCALAR, tensorProto(DT_FLOAT, [], content));
}

/**
 * Summary.Value of a histogram as TF2's `tf.summary.histogram` writes it: a float64 [buckets, 3]
 * tensor of (left edge, right edge, count), plugin "histograms". Buckets split [min, max] evenly;
 * when all values are equal, one unit-wide bucket around them holds every count.
 */
export function histogramValue(tag: string, values: ArrayLike<number>, buckets = 30): Uint8Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  const rows: [number, number, number][] = [];
  if (values.length === 0) rows.push([0, 0, 0]);
  else if (lo === hi) rows.push([lo - 0.5, hi + 0.5, values.length]);
  else {
    const width = (hi - lo) / buckets;
    for (let b = 0; b < buckets; b++)
      rows.push([lo + b * width, b === buckets - 1 ? hi : lo + (b + 1) * width, 0]);
    for (let i = 0; i < values.length; i++)
      rows[Math.min(buckets - 1, Math.floor((values[i]! - lo) / width))]![2]++;
  }
  const content = new Uint8Array(rows.length * 24);
  const view = new DataView(content.buffer);
  rows.flat().forEach((v, i) => {
    view.setFloat64(i * 8, v, true);
  });
  return summaryValue(
    tag,
    'histograms',
    DATA_CLASS_TENSOR,
    tensorProto(DT_DOUBLE, [rows.length, 3], content),
  );
}

/** An Event: wall time (seconds), step, and either the file version or a summary of values. */
export function eventProto(
  wallTime: number,
  step: number,
  body: { fileVersion: string } | { values: Uint8Array[] },
): Uint8Array {
  const p = new Proto().double(1, wallTime).int(2, step);
  if ('fileVersion' in body) return p.bytes(3, body.fileVersion).finish();
  const summary = new Proto();
  for (const v of body.values) summary.bytes(1, v);
  return p.bytes(5, summary.finish()).finish();
}

let writerCount = 0;

/**
 * Appends events to one `events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2` file in `dir`, the
 * name TF2's `tf.summary.create_file_writer` uses. The first record is the `brain.Event:2`
 * version event; every write goes straight to the file, so TensorBoard sees it while training runs.
 */
export class EventFileWriter {
  readonly path: string;
  private fd: number | null;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    const now = Date.now() / 1000;
    this.path = join(
      dir,
      `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}.${writerCount++}.v2`,
    );
    this.fd = openSync(this.path, 'w');
    this.writeEvent(eventProto(now, 0, { fileVersion: 'brain.Event:2' }));
  }

  /** Writes the summary values at `step`, one event each (as every `tf.summary.*` call does). */
  write(step: number, values: Uint8Array[]): void {
    for (const v of values) this.writeEvent(eventProto(Date.now() / 1000, step, { values: [v] }));
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private writeEvent(event: Uint8Array): void {
    if (this.fd === null) throw new Error(`TensorBoard: event file ${this.path} is already closed`);
    writeSync(this.fd, tfRecord(event));
  }
}
