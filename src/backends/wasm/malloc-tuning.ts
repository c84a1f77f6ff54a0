/**
 * Whether to fix glibc malloc's thresholds once the native addon is loaded (native/malloc_tuning.c
 * says why: oneDNN's per-call packing buffers raise glibc's dynamic mmap threshold, after which freed
 * large buffers stay in the process; one IMDB run in five peaked 30–80 MB higher). The sizes were
 * measured on the benchmarks: 1 MiB sends every large buffer back to the system when freed, and a
 * 32 MiB trim threshold keeps the heap top mapped between steps (trimming it cost the MLP 5–7%).
 *
 * Environment: TENSILE_MALLOC_TUNING=0 leaves malloc alone; so does setting glibc's own
 * MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ (the user's choice wins).
 */

/** Blocks from this size are mmapped (and unmapped when freed). */
export const MALLOC_MMAP_THRESHOLD = 1 << 20;
/** Free memory at the heap top is returned to the system only above this size. */
export const MALLOC_TRIM_THRESHOLD = 32 << 20;

/** The addon function that applies the thresholds: true when it did (glibc), false elsewhere. */
export type TuneMalloc = (mmapBytes: number, trimBytes: number) => boolean;

/** Applies the tuning unless the environment says otherwise; returns what was done, in words. */
export function tuneMallocFromEnv(tune: TuneMalloc, env: Record<string, string | undefined>): string {
  if (env.TENSILE_MALLOC_TUNING === '0') return 'glibc malloc as configured (TENSILE_MALLOC_TUNING=0)';
  const own = ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_'].filter((k) => env[k] !== undefined);
  if (own.length > 0) return `glibc malloc as configured (${own.join(' and ')} set in the environment)`;
  if (!tune(MALLOC_MMAP_THRESHOLD, MALLOC_TRIM_THRESHOLD)) return 'malloc as configured (not glibc)';
  return (
    `glibc malloc: blocks from ${MALLOC_MMAP_THRESHOLD >> 20} MiB mmapped, heap trimmed above ` +
    `${MALLOC_TRIM_THRESHOLD >> 20} MiB (TENSILE_MALLOC_TUNING=0 leaves malloc alone)`
  );
}
