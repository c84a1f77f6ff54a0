import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ModelCheckpoint } from '../callbacks/model-checkpoint.js';
import { loadModel, ModelFileError } from '../io/index.js';
import { Dense } from '../layers/dense.js';
import type { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { setRandomSeed } from '../random/index.js';
import { StudyDirError } from './lock.js';
import { writeResult } from './run-store.js';
import type { RunResult } from './types.js';

// Disk full, injected: while `full.on` is set, every writeFileSync in the library fails with ENOSPC,
// as it does when the disk fills up in the middle of a save. (Tests run as root in CI, where a
// read-only directory would not stop a write.)
const full = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof fs.writeFileSync = (...args) => {
    if (full.on) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${String(args[0])}'`), {
        code: 'ENOSPC',
      });
    }
    return fs.writeFileSync(...args);
  };
  return { ...fs, default: { ...fs, writeFileSync }, writeFileSync };
});

const dir = mkdtempSync(join(tmpdir(), 'tensile-full-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const leftovers = (d: string) => readdirSync(d).filter((f) => f.includes('tmp'));

function model(seed: number): Sequential {
  setRandomSeed(seed);
  const m = new Sequential([new Dense(2, { inputShape: [3] })]);
  m.compile({ optimizer: 'adam', loss: 'mse' });
  return m;
}
const weights = (m: Model) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('disk full while writing', () => {
  it('a checkpoint save fails with a ModelFileError and the previous checkpoint still loads', async () => {
    const path = join(dir, 'best.keras');
    const good = model(1);
    await good.save(path);
    const x = tensor(
      Float32Array.from({ length: 12 }, (_, i) => i / 12),
      [4, 3],
    );
    const y = tensor(new Float32Array(8), [4, 2]);
    const next = model(2);
    full.on = true;
    try {
      await expect(next.save(path)).rejects.toThrow(ModelFileError);
      await expect(next.save(path)).rejects.toThrow(/cannot write '.*best\.keras': ENOSPC: no space left/);
      // Through fit: ModelCheckpoint's failure ends training with the same clear error.
      const checkpoint = new ModelCheckpoint(path, { saveBestOnly: false });
      await expect(next.fit(x, y, { epochs: 1, verbose: 0, callbacks: [checkpoint] })).rejects.toThrow(
        /best\.keras.*ENOSPC/,
      );
    } finally {
      full.on = false;
    }
    expect(weights(await loadModel(path))).toEqual(weights(good));
    expect(leftovers(dir)).toEqual([]);
  });

  it('a history or report write fails with a StudyDirError and leaves the previous files intact', () => {
    const out = join(dir, 'study');
    const result = (loss: number[]): RunResult => ({
      id: 'lstm',
      label: 'LSTM',
      params: {},
      history: { loss },
      epochsRun: loss.length,
      secondsPerEpoch: 1,
      params_count: 1,
      summary: '',
      extra: {},
    });
    writeResult(out, result([0.7]));
    const runDir = join(out, 'runs', 'lstm');
    const before = readFileSync(join(runDir, 'history.json'), 'utf8');
    full.on = true;
    try {
      expect(() => writeResult(out, result([0.7, 0.6]))).toThrow(StudyDirError);
      expect(() => writeResult(out, result([0.7, 0.6]))).toThrow(
        `cannot write ${join(runDir, 'history.json')}: no space left on the device`,
      );
    } finally {
      full.on = false;
    }
    expect(readFileSync(join(runDir, 'history.json'), 'utf8')).toBe(before);
    expect(leftovers(runDir)).toEqual([]);
  });
});
