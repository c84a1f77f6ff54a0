import { TensileError } from '../errors.js';

/** Node's parseArgs failures: a user typo, not a bug. */
const ARG_ERRORS = new Set([
  'ERR_PARSE_ARGS_UNKNOWN_OPTION',
  'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
  'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
]);

/** File-system failures a user can fix (permissions, full disk, a path in the way). */
const FS_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a file is in the way of a directory',
  EISDIR: 'a directory is in the way of a file',
  ENOENT: 'no such file or directory',
};

/** True when the user asked for stack traces (`--verbose` or the DEBUG environment variable). */
export function wantsStack(argv: readonly string[]): boolean {
  return argv.includes('--verbose') || Boolean(process.env.DEBUG);
}

/**
 * What the CLI prints for an error that ends a command, and its exit code: one short message for
 * anything a user can fix (our errors, bad options, file permissions, a full disk), a stack trace
 * only when asked for with `--verbose` or `DEBUG`, and for bugs a pointer to those.
 *
 * @example
 * // describeCliError(new ValueError('--epochs must be an integer ≥ 1, got 'x''), false)
 * // → { text: "tensile: --epochs must be an integer ≥ 1, got 'x'\n", code: 1 }
 */
export function describeCliError(e: unknown, verbose: boolean): { text: string; code: number } {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: string }).code ?? '';
  const stack = verbose && err.stack ? `\n${err.stack}` : '';
  if (err instanceof TensileError) return { text: `tensile: ${err.message}${stack}\n`, code: 1 };
  if (ARG_ERRORS.has(code)) {
    return { text: `tensile: ${err.message} (see tensile help)${stack}\n`, code: 2 };
  }
  if (code in FS_ERRORS) {
    const path = (err as { path?: string }).path;
    return { text: `tensile: ${path ? `${path}: ` : ''}${FS_ERRORS[code]} (${code})${stack}\n`, code: 1 };
  }
  const hint = verbose
    ? ''
    : '\n(an unexpected error: run again with --verbose or DEBUG=1 for the stack trace)';
  return { text: `tensile: ${err.name}: ${err.message}${stack}${hint}\n`, code: 1 };
}
