import { describe, expect, it } from 'vitest';
import { Dense, Input, Sequential, setRandomSeed, tensor } from '../index.js';

// Keras reduces a loss over every per-sample value ("sum_over_batch_size"): for a sequence output
// [batch, steps, 1] that is the mean over batch and steps, and batches are weighted by their size.
describe('evaluate', () => {
  it('gives the mean loss over every step of a sequence output, for any batch size', () => {
    setRandomSeed(3);
    const steps = 5;
    const model = new Sequential([Input({ shape: [steps, 2] }), new Dense(1)]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const n = 7;
    const x = tensor(
      Float32Array.from({ length: n * steps * 2 }, (_, i) => Math.sin(i)),
      [n, steps, 2],
    );
    const yValues = Float32Array.from({ length: n * steps }, (_, i) => Math.cos(i));
    const y = tensor(yValues, [n, steps, 1]);
    const p = (model.predict(x) as ReturnType<typeof tensor>).dataSync();
    let se = 0;
    let ae = 0;
    for (let i = 0; i < p.length; i++) {
      se += (p[i]! - yValues[i]!) ** 2;
      ae += Math.abs(p[i]! - yValues[i]!);
    }
    for (const batchSize of [7, 3, 1]) {
      const [loss, mae] = model.evaluate(x, y, { batchSize });
      expect(loss).toBeCloseTo(se / p.length, 5);
      expect(mae).toBeCloseTo(ae / p.length, 5);
    }
  });
});
