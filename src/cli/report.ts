import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ValueError } from '../errors.js';
import { loadStudy, writeStudyReport } from '../studies/index.js';
import { readResult } from '../studies/run-store.js';
import type { RunSpec } from '../studies/types.js';

/** `tensile report <run-dir>`: rebuilds figures and the report from saved histories. */
export async function reportCommand(argv: readonly string[]): Promise<number> {
  const dir = argv[0] ? resolve(argv[0]) : null;
  if (!dir) {
    process.stdout.write('Usage: tensile report <run-dir>\n');
    return 2;
  }
  const meta = join(dir, 'study.json');
  if (!existsSync(meta))
    throw new ValueError(`report: ${meta} not found; is ${dir} a study output directory?`);
  // `study` is the ref the study was run with: a built-in name or the module's absolute path.
  const { study: ref, runs } = JSON.parse(readFileSync(meta, 'utf8')) as { study: string; runs: RunSpec[] };
  const results = runs.map((r) => readResult(dir, r.id)).filter((r) => r !== null);
  if (results.length === 0) throw new ValueError(`report: no finished runs in ${dir}`);
  const missing = runs.length - results.length;
  await writeStudyReport(await loadStudy(ref), dir, results);
  console.log(
    `report written: ${join(dir, 'report.html')}${missing ? ` (${missing} run(s) not finished yet)` : ''}`,
  );
  return 0;
}
