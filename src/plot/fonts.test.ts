import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { findFont, fontSearchPaths, missingFontError, parseFont, requireFont, resolveFont } from './fonts.js';

describe('font discovery', () => {
  it('finds a font on this machine (CI installs fonts-dejavu-core)', () => {
    const font = requireFont('test');
    expect(font.family.length).toBeGreaterThan(0);
    expect(font.files.length).toBeGreaterThan(0);
    expect(findFont()).toBe(font);
  });

  it('skips candidates that do not exist', () => {
    expect(resolveFont([{ regular: '/nonexistent/A.ttf', bold: '/nonexistent/A-Bold.ttf' }])).toBeUndefined();
  });

  it('says which package to install when no font is found', () => {
    const msg = missingFontError('svgToPng').message;
    expect(msg).toContain('svgToPng: no font found');
    expect(msg).toContain('apt-get install fonts-dejavu-core');
    expect(msg).toContain('TENSILE_FONT');
    expect(msg).toContain(fontSearchPaths()[0]);
  });
});

describe('parseFont', () => {
  const font = requireFont('test');
  const face = parseFont(readFileSync(font.files[0]!));

  it('reads the family name and advance widths', () => {
    expect(face.family).toBe(font.family);
    expect(face.width('', 12)).toBe(0);
    expect(face.width('MM', 10)).toBeCloseTo(2 * face.width('M', 10));
    expect(face.width('M', 10)).toBeGreaterThan(face.width('i', 10));
  });

  it.runIf(font.family === 'DejaVu Sans')('matches the DejaVu Sans (Bitstream Vera) metrics', () => {
    // Vera's widths per 1000 em: M 863, i 278, space 318; DejaVu stores them ×2.048 (1767, 569, 651).
    expect(face.width('M', 2048)).toBe(1767);
    expect(face.width('i', 2048)).toBe(569);
    expect(face.width(' ', 2048)).toBe(651);
  });

  it('agrees with the text resvg draws to within a pixel or two', () => {
    for (const text of [
      'validation loss',
      'categorical cross-entropy',
      'epoch',
      '0.125',
      'Δ accuracy → 99%',
    ]) {
      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="40">' +
        `<text x="10" y="30" font-family="${font.family}" font-size="12">${text}</text></svg>`;
      const box = new Resvg(svg, {
        font: { loadSystemFonts: false, fontFiles: font.files, defaultFontFamily: font.family },
      }).getBBox();
      expect(box, text).toBeDefined();
      expect(Math.abs(box!.width - face.width(text, 12)), text).toBeLessThan(2);
    }
  });

  it('rejects a file that is not a font', () => {
    expect(() => parseFont(new Uint8Array(64))).toThrow("parseFont: the font has no 'head' table");
  });
});
