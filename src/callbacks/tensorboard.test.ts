import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { TensorBoard } from './tensorboard.js';
import { crc32c, histogramValue, maskedCrc32c } from './tensorboard-records.js';

// Everything below reads the files back without our encoder: records are split and their CRCs
// checked with a bit-at-a-time CRC-32C written here, and the protobuf is decoded by Debian's
// `protoc` (package protobuf-compiler, installed by .ci/run): `--decode` against TensorFlow's
// field numbers restated below, and `--decode_raw` for a schema-free look.

/** CRC-32C one bit at a time, straight from the definition (independent of the table version). */
function slowCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
const slowMasked = (d: Uint8Array) => {
  const c = slowCrc32c(d);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
};

/** Splits a TFRecord file into its payloads, checking both CRCs of every record. */
function readRecords(path: string): Uint8Array[] {
  const buf = new Uint8Array(readFileSync(path));
  const view = new DataView(buf.buffer, buf.byteOffset);
  const out: Uint8Array[] = [];
  for (let at = 0; at < buf.length; ) {
    const len = Number(view.getBigUint64(at, true));
    expect(view.getUint32(at + 8, true)).toBe(slowMasked(buf.subarray(at, at + 8)));
    const data = buf.subarray(at + 12, at + 12 + len);
    expect(view.getUint32(at + 12 + len, true)).toBe(slowMasked(data));
    out.push(data);
    at += 16 + len;
  }
  return out;
}

type Node = { [field: string]: (string | Node)[] };

/** Parses protoc's text output (`--decode` or `--decode_raw`) into nested field → values. */
function parseProtoText(text: string): Node {
  const stack: Node[] = [{}];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const top = stack[stack.length - 1]!;
    if (line === '}') stack.pop();
    else if (line.endsWith(' {')) {
      const child: Node = {};
      (top[line.slice(0, -2)] ??= []).push(child);
      stack.push(child);
    } else {
      const i = line.indexOf(': ');
      (top[line.slice(0, i)] ??= []).push(line.slice(i + 2));
    }
  }
  return stack[0]!;
}

/** Bytes of a C-escaped string as protoc prints it ("\315\314L>"). */
function cUnescape(quoted: string): Uint8Array {
  const s = quoted.slice(1, -1);
  const out: number[] = [];
  const named: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, '\\': 92 };
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') out.push(s.charCodeAt(i));
    else if (/[0-7]/.test(s[i + 1]!)) {
      out.push(Number.parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else out.push(named[s[++i]!]!);
  }
  return Uint8Array.from(out);
}

interface DecodedEvent {
  step: number;
  wallTime: number;
  fileVersion?: string;
  tag?: string;
  plugin?: string;
  dataClass?: string;
  dtype?: string;
  shape?: number[];
  content?: Uint8Array;
}

// The Event message and what it holds, with TensorFlow's field numbers (tensorflow/core/util/
// event.proto, framework/summary.proto, tensor.proto, tensor_shape.proto, types.proto), so protoc
// prints typed fields. `Events` wraps a file's records in one message: one protoc call per file.
const EVENT_PROTO = `syntax = "proto3";
package tensorflow;
enum DataType { DT_INVALID = 0; DT_FLOAT = 1; DT_DOUBLE = 2; }
enum DataClass { DATA_CLASS_UNKNOWN = 0; DATA_CLASS_SCALAR = 1; DATA_CLASS_TENSOR = 2; DATA_CLASS_BLOB_SEQUENCE = 3; }
message TensorShapeProto { message Dim { int64 size = 1; string name = 2; } repeated Dim dim = 2; bool unknown_rank = 3; }
message TensorProto { DataType dtype = 1; TensorShapeProto tensor_shape = 2; int32 version_number = 3;
  bytes tensor_content = 4; repeated float float_val = 5; repeated double double_val = 6; }
message SummaryMetadata { message PluginData { string plugin_name = 1; bytes content = 2; }
  PluginData plugin_data = 1; string display_name = 2; string summary_description = 3; DataClass data_class = 4; }
message Summary { message Value { string node_name = 7; string tag = 1; SummaryMetadata metadata = 9; TensorProto tensor = 8; }
  repeated Value value = 1; }
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
message Events { repeated Event event = 1; }
`;
const protoDir = mkdtempSync(join(tmpdir(), 'tensile-tb-proto-'));
writeFileSync(join(protoDir, 'event.proto'), EVENT_PROTO);

/** Decodes every event of a file with protoc, checking the framing and CRCs first. */
function decodeEvents(path: string): DecodedEvent[] {
  const records = readRecords(path);
  const wrapped: number[] = [];
  for (const r of records) {
    wrapped.push(0x0a);
    for (let n = r.length; ; n >>>= 7) {
      if (n < 0x80) {
        wrapped.push(n);
        break;
      }
      wrapped.push((n & 0x7f) | 0x80);
    }
    wrapped.push(...r);
  }
  const text = execFileSync('protoc', [`-I${protoDir}`, '--decode=tensorflow.Events', 'event.proto'], {
    input: Buffer.from(wrapped),
  }).toString();
  const events = parseProtoText(text).event as Node[];
  expect(events).toHaveLength(records.length);
  const str = (v: string | Node | undefined) =>
    v === undefined ? undefined : new TextDecoder().decode(cUnescape(String(v)));
  return events.map((e) => {
    const value = (e.summary?.[0] as Node | undefined)?.value?.[0] as Node | undefined;
    const tensorNode = value?.tensor?.[0] as Node | undefined;
    const meta = value?.metadata?.[0] as Node | undefined;
    const dims = ((tensorNode?.tensor_shape?.[0] as Node | undefined)?.dim ?? []) as Node[];
    return {
      step: Number(e.step?.[0] ?? 0),
      wallTime: Number(e.wall_time?.[0]),
      fileVersion: str(e.file_version?.[0]),
      tag: str(value?.tag?.[0]),
      plugin: str((meta?.plugin_data?.[0] as Node | undefined)?.plugin_name?.[0]),
      dataClass: meta?.data_class?.[0] as string | undefined,
      dtype: tensorNode?.dtype?.[0] as string | undefined,
      shape: dims.map((d) => Number(d.size![0])),
      content: tensorNode ? cUnescape(String(tensorNode.tensor_content![0])) : undefined,
    };
  });
}

const f32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getFloat32(0, true);

describe('TFRecord checksums', () => {
  it('crc32c matches the RFC 3720 (iSCSI) test vectors and the "123456789" check value', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
    expect(maskedCrc32c(bytes)).toBe(slowMasked(bytes));
  });
});

describe('TensorBoard callback', () => {
  async function train(args: ConstructorParameters<typeof TensorBoard>[0]) {
    const logDir = mkdtempSync(join(tmpdir(), 'tensile-tb-'));
    const model = new Sequential([new Dense(3, { inputShape: [2], activation: 'relu' }), new Dense(1)]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const x = tensor([
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
    ]);
    const y = tensor([[1], [0], [1], [0]]);
    const tb = new TensorBoard({ logDir, ...args });
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 2,
      verbose: 0,
      validationData: [x, y],
      callbacks: [tb],
    });
    return { logDir, tb, history: history.history, iterations: model.optimizer!.iterations };
  }

  it("writes Keras' layout: train/ and validation/ files, epoch_* tags per epoch, decoded by protoc", async () => {
    const { logDir, history } = await train({});
    expect(readdirSync(logDir).sort()).toEqual(['train', 'validation']);
    const [trainName] = readdirSync(join(logDir, 'train'));
    expect(trainName).toMatch(/^events\.out\.tfevents\.\d{10}\.[^.]+\.\d+\.\d+\.v2$/);
    const events = decodeEvents(join(logDir, 'train', trainName!));
    expect(events[0]).toMatchObject({ step: 0, fileVersion: 'brain.Event:2' });
    expect(Math.abs(events[0]!.wallTime - Date.now() / 1000)).toBeLessThan(60);
    // Schema-free: the first record is field 3 (file_version) of an Event.
    const first = readRecords(join(logDir, 'train', trainName!))[0]!;
    expect(execFileSync('protoc', ['--decode_raw'], { input: first }).toString()).toContain(
      '3: "brain.Event:2"',
    );
    const scalars = events.slice(1);
    for (const e of scalars)
      expect(e).toMatchObject({
        plugin: 'scalars',
        dataClass: 'DATA_CLASS_SCALAR',
        dtype: 'DT_FLOAT',
        shape: [],
      });
    const loss = scalars.filter((e) => e.tag === 'epoch_loss');
    expect(loss.map((e) => e.step)).toEqual([0, 1, 2]);
    // float32 in the file, so compare at float32 precision.
    expect(loss.map((e) => f32(e.content!))).toEqual(history.loss!.map(Math.fround));
    expect(new Set(scalars.map((e) => e.tag))).toEqual(
      new Set(['epoch_loss', 'epoch_mae', 'epoch_learning_rate']),
    );
    expect(f32(scalars.find((e) => e.tag === 'epoch_learning_rate')!.content!)).toBeCloseTo(0.01, 7);

    const [valName] = readdirSync(join(logDir, 'validation'));
    const val = decodeEvents(join(logDir, 'validation', valName!)).slice(1);
    const valLoss = val.filter((e) => e.tag === 'epoch_loss');
    expect(valLoss.map((e) => f32(e.content!))).toEqual(history.val_loss!.map(Math.fround));
    // 4 samples in batches of 2: the optimizer has made 2, 4, 6 steps after each epoch.
    expect(val.filter((e) => e.tag === 'evaluation_loss_vs_iterations').map((e) => e.step)).toEqual([
      2, 4, 6,
    ]);
    expect(new Set(val.map((e) => e.tag))).toEqual(
      new Set(['epoch_loss', 'epoch_mae', 'evaluation_loss_vs_iterations', 'evaluation_mae_vs_iterations']),
    );
  });

  it("updateFreq N writes batch_* every N global batches (step from 1), 'batch' every batch", async () => {
    const every2 = await train({ updateFreq: 2 });
    const events = decodeEvents(every2.tb.trainFile!);
    const batchLoss = events.filter((e) => e.tag === 'batch_loss');
    expect(batchLoss.map((e) => e.step)).toEqual([2, 4, 6]);
    const everyBatch = await train({ updateFreq: 'batch' });
    expect(
      decodeEvents(everyBatch.tb.trainFile!)
        .filter((e) => e.tag === 'batch_loss')
        .map((e) => e.step),
    ).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('histogramFreq writes <weight>/histogram tensors (float64 [buckets, 3]) whose counts sum to the weight size', async () => {
    const { tb } = await train({ histogramFreq: 2 });
    const hist = decodeEvents(tb.trainFile!).filter((e) => e.plugin === 'histograms');
    expect(new Set(hist.map((e) => e.step))).toEqual(new Set([0, 2]));
    const kernel = hist.find(
      (e) => e.tag === 'dense/kernel/histogram' || e.tag?.endsWith('kernel/histogram'),
    )!;
    expect(kernel).toMatchObject({ dtype: 'DT_DOUBLE', dataClass: 'DATA_CLASS_TENSOR', shape: [30, 3] });
    const v = new DataView(kernel.content!.buffer, kernel.content!.byteOffset);
    let count = 0;
    for (let b = 0; b < kernel.content!.length / 24; b++) count += v.getFloat64(b * 24 + 16, true);
    expect(count).toBe(6); // a 2×3 kernel
  });

  it('histogram buckets: hand-computed edges and counts', () => {
    // values 0, 1, 1, 4 over 2 buckets: [0, 2) holds 3, [2, 4] holds 1.
    const value = histogramValue('h', [0, 1, 1, 4], 2);
    const text = execFileSync(
      'protoc',
      [`-I${protoDir}`, '--decode=tensorflow.Summary.Value', 'event.proto'],
      {
        input: Buffer.from(value),
      },
    ).toString();
    const tensorNode = parseProtoText(text).tensor![0] as Node;
    expect((tensorNode.tensor_shape![0] as Node).dim).toHaveLength(2);
    const content = cUnescape(String(tensorNode.tensor_content![0]));
    const d = new DataView(content.buffer, content.byteOffset);
    expect(Array.from({ length: 6 }, (_, i) => d.getFloat64(i * 8, true))).toEqual([0, 2, 3, 2, 4, 1]);
  });

  it('rejects bad options with errors naming them', () => {
    expect(() => new TensorBoard({ updateFreq: 0 })).toThrow(/updateFreq/);
    expect(() => new TensorBoard({ updateFreq: 'step' as 'batch' })).toThrow(/updateFreq/);
    expect(() => new TensorBoard({ histogramFreq: -1 })).toThrow(/histogramFreq/);
    expect(() => new TensorBoard({ writeGraph: true })).toThrow(/writeGraph is not supported/);
  });
});
