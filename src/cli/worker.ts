import { parseArgs } from 'node:util';
import { ValueError } from '../errors.js';
import { serveQueue } from '../studies/queue/serve.js';

export const WORKER_HELP = `Usage: tensile worker --queue redis://host:port [options]

Takes study runs off the queue that \`tensile study <study> --queue <url>\` fills and trains them,
until stopped (Ctrl-C). Study modules are loaded by the path the coordinator was given, so that
path (and the data) must exist on this machine too.

Options:
  --queue <url>        Redis server of the queue (required)
  --concurrency <n>    runs trained at once (default 1)
  --prune-wait <s>     with a study's --prune: how long a run waits after each epoch for the
                       coordinator's decision before it goes on unpruned, saying so (default 60)
`;

/** `tensile worker`: serves queued runs until SIGINT or SIGTERM. */
export async function workerCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      queue: { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      'prune-wait': { type: 'string', default: '60' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(WORKER_HELP);
    return 0;
  }
  if (!values.queue) throw new ValueError('tensile worker needs --queue redis://host:port');
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ValueError(`--concurrency must be an integer ≥ 1, got '${values.concurrency}'`);
  const pruneWait = Number(values['prune-wait']);
  if (!Number.isFinite(pruneWait) || pruneWait <= 0)
    throw new ValueError(`--prune-wait must be a number of seconds > 0, got '${values['prune-wait']}'`);
  // Tests shorten the lock so a killed worker's run moves on within seconds.
  const lockMs = Number(process.env.TENSILE_QUEUE_LOCK_MS) || undefined;
  const worker = await serveQueue(values.queue, { concurrency, lockMs, pruneWaitMs: pruneWait * 1000 });
  console.log(`tensile worker: serving ${values.queue}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await worker.stop();
  return 0;
}
