import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Dense } from '../layers/dense.js';
import type { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { loadModel, saveModel } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-zip-clock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('.keras archive timestamps', () => {
  it('a save that straddles a second boundary still writes one modification time', async () => {
    // Every read of the clock moves it on by 1.5 s, so an archive that reads the clock once for
    // the local header and again for the central directory gets two different DOS times.
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => {
      now += 1500;
      return now;
    });
    const path = join(dir, 'clock.keras');
    const model = new Sequential([new Dense(2, { inputShape: [3] })]);
    try {
      await saveModel(model, path);
    } finally {
      clock.mockRestore();
    }
    const loaded = await loadModel(path);
    const kernel = (m: Model) => Array.from(m.getWeights()[0]?.dataSync() ?? []);
    expect(kernel(loaded)).toEqual(kernel(model));
    expect(kernel(model)).toHaveLength(6);
  });
});
