import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { ValueError } from '../../errors.js';

/** The one BullMQ queue every study's runs go on; jobs carry their study, so workers serve any. */
export const QUEUE_NAME = 'tensile-runs';

/** How BullMQ (ioredis) connects: host, port, optional password and database from a redis:// URL. */
export interface RedisTarget {
  host: string;
  port: number;
  password?: string;
  db?: number;
  /** BullMQ workers require this to be null (blocking commands must not time out). */
  maxRetriesPerRequest: null;
}

/**
 * Parses `redis://[:password@]host[:port][/db]`.
 * @example
 * const target = parseRedisUrl('redis://:secret@10.0.0.5:6390/2');
 * console.log(target.host, target.port, target.db, target.password); // 10.0.0.5 6390 2 secret
 */
export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValueError(`--queue must be a redis://host:port URL, got '${url}'`);
  }
  if (u.protocol !== 'redis:' || !u.hostname)
    throw new ValueError(`--queue must be a redis://host:port URL, got '${url}'`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  if (db !== undefined && !Number.isInteger(db)) throw new ValueError(`--queue ${url}: bad database number`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== undefined ? { db } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * A client for BullMQ (which, under ESM, takes a constructed client rather than options).
 * @example
 * const client = redisClient('redis://127.0.0.1:6379');
 * console.log(await client.ping()); // PONG
 * client.disconnect();
 */
export function redisClient(url: string): Redis {
  return new Redis(parseRedisUrl(url));
}

/**
 * Checks that a Redis server answers at `url` within `timeoutMs`, so an unreachable one is a
 * one-line error at once (BullMQ's client would otherwise retry forever, silently).
 * @example
 * await checkRedis('redis://127.0.0.1:6379'); // resolves, or throws "cannot reach Redis at ...: ECONNREFUSED"
 */
export function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const { host, port, password } = parseRedisUrl(url);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      socket.destroy();
      reject(new ValueError(`cannot reach Redis at ${url}: ${why}`));
    };
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs / 1000} s`));
    socket.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
    socket.on('connect', () => socket.write(password ? `AUTH ${password}\r\nPING\r\n` : 'PING\r\n'));
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('+PONG')) {
        socket.end();
        resolve();
      } else if (reply.startsWith('-')) fail(reply.split('\r\n')[0]!.slice(1));
    });
  });
}

/**
 * The job id of one run of one study output directory: stable, so a restarted coordinator finds
 * the jobs it queued before instead of queueing them twice.
 * @example
 * console.log(runJobId('/tmp/out', 'lstm')); // 5a48cd9599aaa65b-lstm
 */
export function runJobId(out: string, runId: string): string {
  return `${createHash('sha256').update(out).digest('hex').slice(0, 16)}-${runId}`;
}
