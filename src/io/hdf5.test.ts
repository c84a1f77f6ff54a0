import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor } from '../ops/core.js';
import { ModelFileError } from './errors.js';
import { type H5Array, writeH5 } from './hdf5.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeH5', () => {
  it('refuses a uint8 weight, naming the file and the weight', async () => {
    // What the savers pass for a weight: its values, as `variable.dataSync()` returns them.
    const bytes = tensor(new Uint8Array([1, 2, 3])).dataSync() as unknown as H5Array;
    const path = join(dir, 'model.weights.h5');
    const write = writeH5(path, (w) => w.dataset('layers/dense/vars/0', bytes, [3]));
    await expect(write).rejects.toThrow(ModelFileError);
    await expect(writeH5(path, (w) => w.dataset('layers/dense/vars/0', bytes, [3]))).rejects.toThrow(
      /model\.weights\.h5: weight 'layers\/dense\/vars\/0' \[3\] is uint8/,
    );
  });
});
