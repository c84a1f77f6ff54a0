import { describe, expect, it } from 'vitest';
import { takeQueueFlag } from '../../cli/study.js';
import { parseRedisUrl, runJobId } from './connection.js';

describe('queue connection settings', () => {
  it('parses redis:// URLs and names what is wrong with others', () => {
    expect(parseRedisUrl('redis://:s%40cret@10.0.0.5:6390/2')).toEqual({
      host: '10.0.0.5',
      port: 6390,
      password: 's@cret',
      db: 2,
      maxRetriesPerRequest: null,
    });
    expect(parseRedisUrl('redis://localhost')).toEqual({
      host: 'localhost',
      port: 6379,
      maxRetriesPerRequest: null,
    });
    expect(() => parseRedisUrl('localhost:6379')).toThrow(
      "--queue must be a redis://host:port URL, got 'localhost:6379'",
    );
    expect(() => parseRedisUrl('http://h:1')).toThrow('--queue must be a redis://host:port URL');
    expect(() => parseRedisUrl('redis://h:1/x')).toThrow('bad database number');
  });

  it('gives each run of each output directory its own stable job id', () => {
    expect(runJobId('/a', 'lstm')).toBe(runJobId('/a', 'lstm'));
    expect(runJobId('/a', 'lstm')).not.toBe(runJobId('/b', 'lstm'));
    expect(runJobId('/a', 'lstm')).toMatch(/^[0-9a-f]{16}-lstm$/);
  });

  it('splits --queue off the study flags', () => {
    expect(takeQueueFlag(['--quick', '--queue', 'redis://h:1', '--jobs', '2'])).toEqual({
      queue: 'redis://h:1',
      rest: ['--quick', '--jobs', '2'],
    });
    expect(takeQueueFlag(['--queue=redis://h:2']).queue).toBe('redis://h:2');
    expect(takeQueueFlag(['--quick']).queue).toBeUndefined();
    expect(() => takeQueueFlag(['--queue'])).toThrow('--queue needs a redis://host:port URL');
  });
});
