import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { CSVLogger } from './csv-logger.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CSVLogger writes what Keras writes', () => {
  it('epoch column, sorted keys, Python float repr, NA, CRLF; each row written at epoch end', () => {
    const path = join(dir, 'log.csv');
    const log = new CSVLogger(path);
    log.onTrainBegin();
    // Python: csv.DictWriter(f, ['epoch', 'loss', 'val_loss'], dialect=excel).writerow({'epoch': 0, 'loss': 0.5, 'val_loss': 1e-05})
    log.onEpochEnd(0, { val_loss: 1e-5, loss: 0.5 });
    expect(readFileSync(path, 'utf8')).toBe('epoch,loss,val_loss\r\n0,0.5,1e-05\r\n');
    log.onEpochEnd(1, { loss: 2 });
    log.onTrainEnd();
    expect(readFileSync(path, 'utf8')).toBe('epoch,loss,val_loss\r\n0,0.5,1e-05\r\n1,2.0,NA\r\n');
  });

  it('appends without a second header, and writes one into an empty file', () => {
    const path = join(dir, 'append.csv');
    writeFileSync(path, '');
    const log = new CSVLogger(path, { append: true, separator: ';' });
    log.onTrainBegin();
    log.onEpochEnd(0, { loss: 0.25, 'a;b': 1 });
    log.onTrainEnd();
    log.onTrainBegin();
    log.onEpochEnd(1, { loss: 0.125, 'a;b': Number.NaN });
    log.onTrainEnd();
    expect(readFileSync(path, 'utf8')).toBe('epoch;"a;b";loss\r\n0;1.0;0.25\r\n1;nan;0.125\r\n');
  });

  it('overwrites by default and logs a real run', async () => {
    const path = join(dir, 'fit.csv');
    writeFileSync(path, 'old content\r\n');
    const model = new Sequential([new Dense(1, { inputShape: [1] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const x = tensor([[1], [2], [3], [4]]);
    const history = await model.fit(x, x, {
      epochs: 2,
      validationSplit: 0.25,
      verbose: 0,
      callbacks: [new CSVLogger(path)],
    });
    const lines = readFileSync(path, 'utf8').split('\r\n');
    expect(lines[0]).toBe('epoch,loss,mae,val_loss,val_mae');
    expect(lines[2]!.split(',').map(Number)).toEqual([
      1,
      history.history.loss![1],
      history.history.mae![1],
      history.history.val_loss![1],
      history.history.val_mae![1],
    ]);
    expect(lines).toHaveLength(4);
  });
});
