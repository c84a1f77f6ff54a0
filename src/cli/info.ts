import { cpus } from 'node:os';
import { getBackend } from '../backend/select.js';
import {
  NATIVE_MIN_MNK,
  NATIVE_SPLIT_MIN_DIM,
  NATIVE_SPLIT_MIN_MNK,
  NATIVE_THREADS_MIN_MNK,
} from '../backends/wasm/native.js';
import { NATIVE_CONV_SPLIT_MIN_MACS } from '../backends/wasm/native-conv.js';
import { type NativeStatus, nativeStatus } from '../backends/wasm/native-loader.js';

/** The GEMM path line of `tensile info`: the native library, its kernel and threads, or why it is off. */
export function gemmLine(s: NativeStatus): string {
  if (!s.active) return `GEMMs: WebAssembly SIMD only; native addon off: ${s.reason}`;
  const threads = s.split
    ? `1 thread, or from m·n·k ≥ ${NATIVE_SPLIT_MIN_MNK} (each of m, n, k ≥ ${NATIVE_SPLIT_MIN_DIM}) rows split with a helper thread, whichever times faster`
    : s.threads === 1
      ? '1 thread'
      : s.threadsFixed
        ? `${s.threads} threads from m·n·k ≥ ${NATIVE_THREADS_MIN_MNK}`
        : `1 or ${s.threads} threads from m·n·k ≥ ${NATIVE_THREADS_MIN_MNK}, whichever times faster`;
  const why = s.threadsReason ? `: ${s.threadsReason}` : '';
  return (
    `GEMMs: native ${s.library} ${s.version} (${s.kernel} kernel) from m·n·k ≥ ${NATIVE_MIN_MNK}, ${threads} ` +
    `(TENSILE_NATIVE_THREADS=split|N|auto sets it${why}), WebAssembly below; ${s.reason} (${s.file})`
  );
}

/** The convolution line of `tensile info`: oneDNN's primitives in the addon, or the WebAssembly paths. */
export function convLine(s: NativeStatus, env: Record<string, string | undefined> = process.env): string {
  const wasm = 'Convolutions: WebAssembly (Winograd for 3×3 stride 1 without the addon, else im2col + GEMM)';
  if (!s.active) return wasm;
  if (!s.convolutions) return `${wasm}; the ${s.library} build has no convolutions`;
  if (env.TENSILE_NATIVE_CONV === '0') return `${wasm}; oneDNN's turned off by TENSILE_NATIVE_CONV=0`;
  const threads = s.threadsFixed
    ? `${s.threads} thread${s.threads === 1 ? '' : 's'}`
    : s.split
      ? `the batch split with the helper thread from ${NATIVE_CONV_SPLIT_MIN_MACS} multiply-adds, else 1 thread`
      : '1 thread';
  return `Convolutions: native oneDNN ${s.version} convolution primitives (forward with bias and relu, backward data and weights), ${threads} (TENSILE_NATIVE_CONV=0 turns them off)`;
}

/** What `tensile info` prints: version, Node, CPU, the default backend, the GEMM and convolution paths. */
export function infoLines(version: string): string[] {
  const cpu = cpus();
  return [
    `tensile ${version} (node ${process.version}), backend: ${getBackend().name}`,
    `CPU: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores`,
    gemmLine(nativeStatus()),
    convLine(nativeStatus()),
    ...(nativeStatus().malloc ? [`Memory: ${nativeStatus().malloc}`] : []),
  ];
}
