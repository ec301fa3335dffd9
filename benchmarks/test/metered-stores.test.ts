import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiConfigs } from '../src/lib/api-configs.js';
import { meteredServers, storePorts } from '../src/lib/api-process.js';
import { cpuMsByName } from '../src/lib/loadgen.js';
import { sizesFor } from '../src/lib/options.js';

/**
 * The store-distance API dials Redis and PostgreSQL through the latency proxies; its meters must
 * read the servers behind them. One full run metered the proxy instead (both store columns showed
 * the proxy's CPU). Here the "servers" and the "proxy" are separate processes listening on
 * loopback ports, so the pids tell which one a meter reads.
 */
const linux = process.platform === 'linux';
const children: ChildProcess[] = [];

/** A process listening on `count` loopback ports; resolves with its pid and the ports. */
function listener(count: number): Promise<{ pid: number; ports: number[] }> {
  const script = `
    const net = require('node:net');
    const ports = [];
    for (let i = 0; i < ${count}; i += 1) {
      const server = net.createServer((socket) => socket.destroy());
      server.listen(0, '127.0.0.1', () => {
        ports.push(server.address().port);
        if (ports.length === ${count}) process.stdout.write(JSON.stringify(ports) + '\\n');
      });
    }`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('\n')) resolve({ pid: child.pid ?? -1, ports: JSON.parse(output) as number[] });
    });
    child.once('exit', (code) => reject(new Error(`listener exited with ${code} before listening`)));
  });
}

describe('store meters of the proxied API (store-distance)', () => {
  let redis: { pid: number; ports: number[] };
  let postgres: { pid: number; ports: number[] };
  let proxy: { pid: number; ports: number[] };

  beforeAll(async () => {
    [redis, postgres, proxy] = await Promise.all([listener(1), listener(1), listener(2)]);
  });

  afterAll(() => {
    for (const child of children) child.kill();
  });

  (linux ? it : it.skip)('reads the Redis and PostgreSQL servers, never the proxy', async () => {
    const services = {
      url: async (kind: string) =>
        kind === 'redis'
          ? `redis://127.0.0.1:${redis.ports[0]}`
          : `postgres://bench:secret@127.0.0.1:${postgres.ports[0]}/authbench`,
    };
    const proxies = {
      urls: async () => ({
        redis: `redis://127.0.0.1:${proxy.ports[0]}`,
        postgres: `postgres://bench:secret@127.0.0.1:${proxy.ports[1]}/authbench`,
      }),
    };
    const config = await apiConfigs(services, proxies, sizesFor(true))('proxied-1w');
    // The premise: the API itself dials the proxy.
    expect(config.env.REDIS_URL).toContain(`:${proxy.ports[0]}`);
    expect(config.env.DATABASE_URL).toContain(`:${proxy.ports[1]}`);

    const metered = await meteredServers(process.pid, config.metered);
    expect(metered).toEqual([
      { name: 'api', pid: process.pid },
      { name: 'redis', pid: redis.pid },
      { name: 'postgres', pid: postgres.pid },
    ]);
    expect(metered.map((server) => server.pid)).not.toContain(proxy.pid);
  });

  (linux ? it : it.skip)('meters every shard of a Redis Cluster, each seed of its URL', async () => {
    const shards = await Promise.all([listener(1), listener(1), listener(1)]);
    const clusterUrl = `redis+cluster://${shards.map((shard) => `127.0.0.1:${shard.ports[0]}`).join(',')}`;
    const services = {
      url: async (kind: string) =>
        kind === 'cluster' ? clusterUrl : `postgres://bench:secret@127.0.0.1:${postgres.ports[0]}/authbench`,
    };
    const unused = async (): Promise<never> => {
      throw new Error('cluster-1w must not ask for a proxy');
    };
    const config = await apiConfigs(services, { urls: unused }, sizesFor(true))('cluster-1w');
    expect(await meteredServers(process.pid, config.metered)).toEqual([
      { name: 'api', pid: process.pid },
      ...shards.map((shard) => ({ name: 'redis', pid: shard.pid })),
      { name: 'postgres', pid: postgres.pid },
    ]);
  });

  (linux ? it : it.skip)('meters no store for an API with in-process stores', async () => {
    const unused = async (): Promise<never> => {
      throw new Error('memory-1w must not ask for a store');
    };
    const config = await apiConfigs({ url: unused }, { urls: unused }, sizesFor(true))('memory-1w');
    expect(await meteredServers(process.pid, config.metered)).toEqual([{ name: 'api', pid: process.pid }]);
  });
});

describe('store ports and summed meters', () => {
  it('reads one port per seed, with credentials and defaults', () => {
    expect(storePorts('redis://127.0.0.1:7001', 6379)).toEqual([7001]);
    expect(storePorts('redis://127.0.0.1', 6379)).toEqual([6379]);
    expect(storePorts('postgres://bench:s3:cret@127.0.0.1:5433/authbench', 5432)).toEqual([5433]);
    expect(storePorts('redis+cluster://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003', 6379)).toEqual([
      7001, 7002, 7003,
    ]);
  });

  it('adds up the servers of one name, and drops a name with an unreadable process', () => {
    const servers = [
      { name: 'api', pid: 1 },
      { name: 'redis', pid: 2 },
      { name: 'redis', pid: 3 },
      { name: 'postgres', pid: 4 },
      { name: 'postgres', pid: 5 },
    ];
    expect(cpuMsByName(servers, [10, 100, 200, 0, 0], [25, 130, 210, 5, null])).toEqual({
      api: 15,
      redis: 40,
    });
  });
});
