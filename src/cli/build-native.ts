import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadNativeAddon } from '../backends/wasm/native-loader.js';
import { gemmLine } from './info.js';

/**
 * `tensile build-native`: (re)builds the optional native GEMM addon, for installs that skipped
 * install scripts or that gained a BLAS library later, then says whether it loads.
 */
export function buildNativeCommand(): number {
  // src/cli and dist/cli are both two levels below the package root, where native/ lives.
  const script = fileURLToPath(new URL('../../native/build.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script, '--strict'], { stdio: 'inherit' });
  if (r.status !== 0) return 1;
  console.log(gemmLine(loadNativeAddon().status));
  return 0;
}
