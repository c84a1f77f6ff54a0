#!/usr/bin/env node
/**
 * The `tensile` command. Subcommands are small modules; this file only dispatches.
 */
import { readFileSync } from 'node:fs';
import { describeCliError, wantsStack } from './errors.js';

const HELP = `Usage: tensile <command>

Commands:
  study      run a study (built-in imdb-rnn, batchnorm, or ./my-study.ts) and write its report
  worker     train study runs from a Redis queue (tensile worker --queue redis://host:port)
  report     rebuild a study's figures and report from its saved histories
  dashboard  serve a live page of a study directory's runs (tensile dashboard <dir>)
  info       show the version, the backend Tensile would use and its GEMM path (native or wasm)
  build-native  build the optional native GEMM addon (oneDNN or OpenBLAS) now
  help       show this help
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'study':
      return (await import('./study.js')).studyCommand(rest);
    case 'report':
      return (await import('./report.js')).reportCommand(rest);
    case 'dashboard':
      return (await import('./dashboard.js')).dashboardCommand(rest);
    case 'worker':
      return (await import('./worker.js')).workerCommand(rest);
    case 'info':
      for (const line of (await import('./info.js')).infoLines(version())) console.log(line);
      return 0;
    case 'build-native':
      return (await import('./build-native.js')).buildNativeCommand();
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    case '--version':
    case '-v':
      console.log(version());
      return 0;
    default:
      process.stderr.write(`tensile: unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Our own errors and other user mistakes print one line; a stack only with --verbose or DEBUG.
    const { text, code } = describeCliError(e, wantsStack(process.argv));
    process.stderr.write(text);
    process.exitCode = code;
  },
);
