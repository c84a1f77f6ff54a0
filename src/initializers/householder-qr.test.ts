import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { householderQR } from './householder-qr.js';

describe('householderQR', () => {
  it('matches numpy up to the column signs', () => {
    // import numpy as np
    // a = np.array([[2., -1, 0.5], [1, 3, -2], [0, 1, 4], [-1, 2, 1]])
    // q, r = np.linalg.qr(a); q * np.sign(np.diag(r))
    const a = [2, -1, 0.5, 1, 3, -2, 0, 1, 4, -1, 2, 1];
    const expected = [
      [0.816496580928, -0.173096928963, 0.24917970202],
      [0.408248290464, 0.822210412575, -0.328520502663],
      [0.0, 0.259645393445, 0.895063407257],
      [-0.408248290464, 0.476016554649, 0.169838901377],
    ];
    const { q, r } = householderQR(a, 4, 3);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        expect(q[i * 3 + j]! * Math.sign(r[j * 3 + j]!)).toBeCloseTo(expected[i]![j]!, 10);
      }
    }
    expect([r[0], r[4], r[8]].map(Math.abs)).toEqual([
      expect.closeTo(2.449489742783, 10),
      expect.closeTo(3.85140666943, 10),
      expect.closeTo(4.531723386741, 10),
    ]);
  });

  it('reconstructs A = QR with R upper triangular', () => {
    const [m, n] = [7, 4];
    const a = Array.from({ length: m * n }, (_, i) => Math.sin(i * 1.7) + (i % 3));
    const { q, r } = householderQR(a, m, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(r[i * n + j]).toBe(0);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += q[i * n + k]! * r[k * n + j]!;
        expect(s).toBeCloseTo(a[i * n + j]!, 12);
      }
    }
  });

  it('handles a zero column and rejects wide or mis-sized input', () => {
    const { q, r } = householderQR([0, 1, 0, 1, 0, 1], 3, 2);
    expect(r[0]).toBe(0);
    expect(Number.isFinite(q[0]!)).toBe(true);
    expect(() => householderQR([1, 2, 3, 4, 5, 6], 2, 3)).toThrow(ShapeError);
    expect(() => householderQR([1, 2, 3], 2, 2)).toThrow(ShapeError);
  });
});
