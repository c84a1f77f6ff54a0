/**
 * Compiles the workload runner and the library with tsc, so `npm run bench` times Tensile as a user
 * runs it (compiled JavaScript under plain `node`) rather than through tsx, whose TypeScript loader
 * adds ~40 MB to every process's peak RSS (measured on A4: 104 vs 60 MB before any work).
 *
 * The output mirrors the repository under bench/.build/ (ignored by git); `native` there links to
 * the repository's native/, so the addon is found where src/backends/wasm/native-loader.ts looks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the compiled tree goes, relative to the repository root. */
export const BUILD_DIR = join('bench', '.build');

/** Compiles src/ and bench/workload-runner.ts into BUILD_DIR; returns the runner's path. */
export function compileRunner(root = resolve('.')): string {
  const outDir = join(root, BUILD_DIR);
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  execFileSync(tsc, ['-p', join(root, 'bench', 'tsconfig.runner.json'), '--outDir', outDir], {
    stdio: 'inherit',
  });
  const native = join(outDir, 'native');
  if (!existsSync(native)) symlinkSync(join(root, 'native'), native, 'dir');
  return join(outDir, 'bench', 'workload-runner.js');
}
