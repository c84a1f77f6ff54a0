import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValueError } from '../errors.js';
import { preloadHdf5 } from '../io/hdf5.js';
import { batchnormStudy } from './batchnorm.js';
import { imdbRnnStudy } from './imdb-rnn.js';
import type { Study } from './types.js';

/** The studies that ship with Tensile, by the name `tensile study <name>` takes. */
export const BUILTIN_STUDIES: Readonly<Record<string, Study>> = {
  'imdb-rnn': imdbRnnStudy,
  batchnorm: batchnormStudy,
};

/**
 * How a process finds a study: a built-in name, or the absolute path of a module that exports one.
 * Plain JSON, so it travels to worker processes (and, later, to workers on other machines).
 */
export type StudyRef = string;

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/** True when `arg` names a module file rather than a built-in study. */
function isModulePath(arg: string): boolean {
  return arg.startsWith('.') || arg.startsWith('/') || MODULE_EXTENSIONS.has(extname(arg));
}

/** Turns the `tensile study` argument into a ref: a known built-in name, or an absolute module path. */
export function studyRef(arg: string): StudyRef {
  if (!isModulePath(arg)) {
    if (!BUILTIN_STUDIES[arg])
      throw new ValueError(
        `unknown study '${arg}' (built-in: ${Object.keys(BUILTIN_STUDIES).join(', ')}; or give a path such as ./my-study.ts)`,
      );
    return arg;
  }
  const path = resolve(arg);
  if (!existsSync(path)) throw new ValueError(`study module ${path} not found`);
  if (!MODULE_EXTENSIONS.has(extname(path)))
    throw new ValueError(`study module ${path}: expected a .ts or .js file`);
  return path;
}

const REQUIRED = ['runs', 'data', 'model', 'fit'] as const;
const OPTIONAL = ['groups', 'callbacks', 'extras', 'summarize', 'report'] as const;

/** Why `value` is not a study (the first problem found), or null when it is one. */
function studyProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'is not an object';
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string' || !v.name) return "has no 'name' string";
  if (typeof v.title !== 'string') return "has no 'title' string";
  for (const k of REQUIRED) if (typeof v[k] !== 'function') return `has no '${k}' function`;
  for (const k of OPTIONAL)
    if (v[k] !== undefined && typeof v[k] !== 'function') return `'${k}' is not a function`;
  return null;
}

function isStudy(value: unknown): value is Study {
  return studyProblem(value) === null;
}

/** The study a module exports: its default export, else its one exported study. */
function pickStudy(path: string, mod: Record<string, unknown>): Study {
  if (mod.default !== undefined) {
    if (isStudy(mod.default)) return mod.default;
    throw new ValueError(`study module ${path}: the default export ${studyProblem(mod.default)}`);
  }
  const studies = Object.entries(mod).flatMap(([k, v]) => (isStudy(v) ? [{ k, v }] : []));
  if (studies.length === 1) return studies[0]!.v;
  throw new ValueError(
    studies.length === 0
      ? `study module ${path} exports no study (export default defineStudy({ name, title, runs, data, model, fit }))`
      : `study module ${path} exports several studies (${studies.map((s) => s.k).join(', ')}); export one as default`,
  );
}

const loaded = new Map<StudyRef, Promise<Study>>();

/**
 * Loads the study a ref names. TypeScript modules go through tsx's loader, so a user's
 * `./my-study.ts` runs without a build step, also from the installed `tensile` command.
 */
export function loadStudy(ref: StudyRef): Promise<Study> {
  const builtin = BUILTIN_STUDIES[ref];
  if (builtin) return Promise.resolve(builtin);
  let study = loaded.get(ref);
  if (!study) {
    study = importModule(ref).then((mod) => pickStudy(ref, mod));
    loaded.set(ref, study);
  }
  return study;
}

let tsLoader: Promise<void> | null = null;

/**
 * Registers tsx's module hooks once, so `import()` of a .ts file works. Unlike tsx's `tsImport`,
 * this keeps one module graph: the study's own imports of the library are the very modules the
 * runner uses, so seeding, layer names and backend selection apply to the study's models too.
 */
function enableTypeScript(): Promise<void> {
  // HDF5 first: under tsx's hooks, loading it would cost every study process ~630 MB (preloadHdf5).
  tsLoader ??= preloadHdf5()
    .then(() => import('tsx/esm/api'))
    .then(({ register }) => {
      register();
    });
  return tsLoader;
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  try {
    if (/\.[mc]?ts$/.test(path)) await enableTypeScript();
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ValueError(
      `study module ${path} failed to load: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
