import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, Input, loadModel, Sequential, setRandomSeed, tensor } from '../index.js';
import { compileArgsFromConfig } from '../io/compile-config.js';
import { readH5Bytes } from '../io/hdf5.js';
import { scheduleFromConfig, serializeSchedule } from './schedule-config.js';
import {
  CosineDecay,
  ExponentialDecay,
  InverseTimeDecay,
  PiecewiseConstantDecay,
  PolynomialDecay,
} from './schedules.js';
import { SGD } from './sgd.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-schedules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Golden values from Keras 3's formulas (keras/src/optimizers/schedules/learning_rate_schedule.py) in
// Python floats:
//   0.1 * 0.96 ** (500 / 1000), 0.1 * 0.96 ** (2500 / 1000), 0.1 * 0.96 ** (2500 // 1000)
//   (0.1 - 0.01) * (1 - 50 / 100) ** 0.5 + 0.01;  cycle at 150: decay_steps 200 → 0.055
//   0.1 / (1 + 0.5 * 7 / 3), 0.1 / (1 + 0.5 * (7 // 3))
//   0.2 * ((1 - 0.1) * 0.5 * (1 + cos(pi * 25 / 100)) + 0.1); warmup 0 → 1 over 10 steps, then decay over 100
describe('learning-rate schedules', () => {
  it("match Keras' formulas", () => {
    const exp = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96 });
    expect([exp.call(0), exp.call(500), exp.call(2500)]).toEqual([
      0.1, 0.09797958971132713, 0.09029798987795908,
    ]);
    const stairs = new ExponentialDecay({
      initialLearningRate: 0.1,
      decaySteps: 1000,
      decayRate: 0.96,
      staircase: true,
    });
    expect(stairs.call(2500)).toBeCloseTo(0.09216, 15);
    const pw = new PiecewiseConstantDecay({ boundaries: [100, 110], values: [1, 0.5, 0.1] });
    expect([pw.call(0), pw.call(100), pw.call(101), pw.call(110), pw.call(111)]).toEqual([
      1, 1, 0.5, 0.5, 0.1,
    ]);
    const poly = (cycle: boolean) =>
      new PolynomialDecay({
        initialLearningRate: 0.1,
        decaySteps: 100,
        endLearningRate: 0.01,
        power: 0.5,
        cycle,
      });
    expect([poly(false).call(50), poly(false).call(150)]).toEqual([0.07363961030678928, 0.01]);
    expect(poly(true).call(150)).toBeCloseTo(0.055, 15);
    const inv = (staircase: boolean) =>
      new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.5, staircase });
    expect([inv(false).call(7), inv(true).call(7)]).toEqual([0.04615384615384615, 0.05]);
    const cos = new CosineDecay({ initialLearningRate: 0.2, decaySteps: 100, alpha: 0.1 });
    expect(cos.call(25)).toBeCloseTo(0.1736396103067893, 15);
    expect(cos.call(1000)).toBeCloseTo(0.02, 15);
    const warm = new CosineDecay({
      initialLearningRate: 0,
      decaySteps: 100,
      alpha: 0.1,
      warmupTarget: 1,
      warmupSteps: 10,
    });
    expect([warm.call(5), warm.call(60)]).toEqual([0.5, 0.55]);
    expect(() => new ExponentialDecay({ initialLearningRate: 1, decaySteps: 0, decayRate: 0.5 })).toThrow(
      /ExponentialDecay: decaySteps must be > 0, got 0/,
    );
    expect(() => new PiecewiseConstantDecay({ boundaries: [1, 2], values: [1, 2] })).toThrow(
      /one entry fewer/,
    );
  });

  it('drive an optimizer step by step, from step 0, and refuse a set rate', () => {
    const schedule = new PiecewiseConstantDecay({ boundaries: [0, 1], values: [0.5, 0.25, 0.125] });
    const sgd = new SGD({ learningRate: schedule });
    setRandomSeed(1);
    const model = new Sequential([
      Input({ shape: [1] }),
      new Dense(1, { useBias: false, kernelInitializer: 'ones' }),
    ]);
    model.compile({ optimizer: sgd, loss: 'mse' });
    // loss = (w·1 − 0)², gradient 2w: w ← w − lr·2w = w·(1 − 2 lr), with lr 0.5, 0.25, 0.125 at steps 0, 1, 2.
    const x = tensor([[1]]);
    const y = tensor([[0]]);
    const weights: number[] = [];
    return (async () => {
      for (let i = 0; i < 3; i++) {
        await model.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0, shuffle: false });
        weights.push(model.getWeights()[0]!.dataSync()[0]!);
      }
      expect(weights).toEqual([0, 0, 0]); // 1·(1 − 2·0.5) = 0 after the first step
      expect(sgd.learningRate).toBe(0.125);
      expect(() => {
        sgd.learningRate = 0.1;
      }).toThrow(/SGD: the learning rate follows a PiecewiseConstantDecay schedule and cannot be set/);
      const slow = new SGD({
        learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }),
      });
      const m2 = new Sequential([
        Input({ shape: [1] }),
        new Dense(1, { useBias: false, kernelInitializer: 'ones' }),
      ]);
      m2.compile({ optimizer: slow, loss: 'mse' });
      await m2.fit(tensor([[1], [1]]), tensor([[0], [0]]), { epochs: 1, batchSize: 1, verbose: 0 });
      // Steps at 0.1 then 0.05: 1·0.8·0.9.
      expect(m2.getWeights()[0]!.dataSync()[0]).toBeCloseTo(0.72, 6);
    })();
  });

  it('save and load in .keras (no learning_rate variable, as Keras 3) and .h5, and read Keras configs', async () => {
    const schedule = new CosineDecay({ initialLearningRate: 0.2, decaySteps: 50, alpha: 0.1 });
    const model = new Sequential([Input({ shape: [2] }), new Dense(1)]);
    model.compile({ optimizer: new SGD({ learningRate: schedule, momentum: 0.9 }), loss: 'mse' });
    await model.fit(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([[1], [0]]),
      { epochs: 3, batchSize: 1, verbose: 0 },
    );
    for (const file of ['m.keras', 'm.h5']) {
      const path = join(dir, file);
      await model.save(path);
      const loaded = await loadModel(path);
      const opt = loaded.optimizer!;
      expect(opt.schedule?.getConfig()).toEqual(schedule.getConfig());
      expect(opt.iterations).toBe(6);
      expect(opt.learningRate).toBe(schedule.call(6));
    }
    const h5 = unzipSync(readFileSync(join(dir, 'm.keras')))['model.weights.h5']!;
    const names = await readH5Bytes(h5, 'm.keras', (r) => r.keys('optimizer/vars'));
    expect(names.length).toBe(1 + 2); // iteration + one momentum per weight; no learning_rate
    const config = JSON.parse(
      new TextDecoder().decode(unzipSync(readFileSync(join(dir, 'm.keras')))['config.json']),
    );
    expect(config.compile_config.optimizer.config.learning_rate).toMatchObject({
      module: 'keras.optimizers.schedules',
      class_name: 'CosineDecay',
      config: {
        initial_learning_rate: 0.2,
        decay_steps: 50,
        alpha: 0.1,
        warmup_target: null,
        warmup_steps: 0,
      },
    });
    // As Keras 3 writes an optimizer with a schedule in compile_config.
    const args = compileArgsFromConfig(
      {
        optimizer: {
          module: 'keras.optimizers',
          class_name: 'Adam',
          config: {
            name: 'adam',
            learning_rate: {
              module: 'keras.optimizers.schedules',
              class_name: 'ExponentialDecay',
              config: {
                initial_learning_rate: 0.01,
                decay_steps: 10000,
                decay_rate: 0.9,
                staircase: false,
                name: 'ExponentialDecay',
              },
              registered_name: null,
            },
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-7,
            amsgrad: false,
          },
          registered_name: null,
        },
        loss: 'mse',
      },
      'adam.keras',
    );
    expect(args?.optimizer).toBeDefined();
    expect(
      serializeSchedule(
        new ExponentialDecay({ initialLearningRate: 0.01, decaySteps: 10000, decayRate: 0.9 }),
      ).config,
    ).toEqual({
      initial_learning_rate: 0.01,
      decay_steps: 10000,
      decay_rate: 0.9,
      staircase: false,
      name: 'ExponentialDecay',
    });
    expect(() => scheduleFromConfig({ class_name: 'OneCycle', config: {} }, 'm.keras')).toThrow(
      /m\.keras: unknown learning-rate schedule "OneCycle"/,
    );
    expect(() =>
      scheduleFromConfig(
        {
          class_name: 'ExponentialDecay',
          config: { initial_learning_rate: 1, decay_steps: 1, decay_rate: 1, cycle: true },
        },
        'm.keras',
      ),
    ).toThrow(/ExponentialDecay has settings Tensile does not know: cycle/);
  });
});
