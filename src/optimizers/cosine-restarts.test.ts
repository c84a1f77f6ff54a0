import { describe, expect, it } from 'vitest';
import { CosineDecayRestarts } from './cosine-restarts.js';
import { scheduleFromConfig, serializeSchedule } from './schedule-config.js';

describe('CosineDecayRestarts', () => {
  it("matches Keras' formula (golden values from a float64 transcription of Keras 3's __call__)", () => {
    const s = new CosineDecayRestarts({
      initialLearningRate: 0.5,
      firstDecaySteps: 10,
      tMul: 2,
      mMul: 0.8,
      alpha: 0.1,
    });
    const golden: [number, number][] = [
      [0, 0.5],
      [3, 0.40725168176580645],
      [10, 0.41], // first restart: mMul · initial, blended with alpha
      [15, 0.3572792206135786],
      [29, 0.052216098692875225],
      [30, 0.338], // second restart after 10 + 20 steps
      [31, 0.3375560960575705],
      [69, 0.05044390394242958],
      [70, 0.2804],
      [100, 0.2092851314084584],
    ];
    for (const [step, rate] of golden) expect(s.call(step)).toBeCloseTo(rate, 12);
  });

  it('with tMul = 1 every period has the same length', () => {
    const s = new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, tMul: 1 });
    expect([0, 5, 10, 20, 25].map((k) => s.call(k))).toEqual([1, 0.5, 1, 1, 0.5]);
  });

  it("round-trips through Keras' config with its default name and refuses bad settings", () => {
    const s = new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 100 });
    const spec = serializeSchedule(s);
    expect(spec.config).toEqual({
      initial_learning_rate: 0.1,
      first_decay_steps: 100,
      t_mul: 2,
      m_mul: 1,
      alpha: 0,
      name: 'SGDRDecay',
    });
    const back = scheduleFromConfig(spec, 'm.keras');
    expect(back).toBeInstanceOf(CosineDecayRestarts);
    expect(back.call(150)).toBe(s.call(150));
    expect(() => new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 0 })).toThrow(
      /firstDecaySteps must be > 0, got 0/,
    );
    expect(() =>
      scheduleFromConfig(
        {
          class_name: 'CosineDecayRestarts',
          config: { initial_learning_rate: 1, first_decay_steps: 5, warmup: 3 },
        },
        'm.keras',
      ),
    ).toThrow(/m\.keras: schedule CosineDecayRestarts has settings Tensile does not know: warmup/);
  });
});
