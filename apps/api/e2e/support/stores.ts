// Real stores for the scale-out suites (issue #8): a throwaway PostgreSQL and a Redis node or a
// Redis Cluster, started by the suite through the auth-core testing helpers and always stopped.
import { spawnSync } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import {
  findProgram,
  postgresBinDir,
  redisServerProgram,
  requireProgramOrSkip,
  startTestPostgres,
  startTestRedis,
  startTestRedisCluster,
  type TestPostgresServer,
  type TestRedisCluster,
  type TestRedisServer,
} from '@authbench/test-support';

export type RedisSetup = 'redis' | 'cluster';

/** The two shared-store setups every scale suite can run against. */
export const STORE_SETUPS: readonly { readonly redis: RedisSetup; readonly label: string }[] = [
  { redis: 'redis', label: 'PostgreSQL + Redis' },
  { redis: 'cluster', label: 'PostgreSQL + Redis Cluster (3 masters)' },
];

/**
 * Whether redis-server/redis-cli and the PostgreSQL binaries are installed. Outside CI a
 * missing program prints why and the suite skips; under CI=true it throws (never silent).
 */
export function storeProgramsAvailable(needs: { redis?: boolean; postgres?: boolean }): boolean {
  const redisOk =
    needs.redis !== true ||
    requireProgramOrSkip(
      redisServerProgram() !== null && findProgram('redis-cli') !== null,
      'redis-server and redis-cli',
      'apt-get install redis-server',
    );
  const postgresOk =
    needs.postgres !== true ||
    requireProgramOrSkip(
      postgresBinDir() !== null,
      'PostgreSQL 15 server binaries',
      'apt-get install postgresql-15',
    );
  return redisOk && postgresOk;
}

/** PostgreSQL plus one Redis setup; `env` is what an API needs to use them. */
export interface TestStores {
  readonly postgres: TestPostgresServer;
  /** The single node (stop()/start() for outage drills); null for a cluster. */
  readonly redis: TestRedisServer | null;
  readonly cluster: TestRedisCluster | null;
  readonly redisUrl: string;
  /** The port of every Redis node (every master of a cluster). */
  readonly redisPorts: readonly number[];
  readonly env: Readonly<{ DATABASE_URL: string; REDIS_URL: string }>;
  /** Stops and deletes everything this started; safe to call twice. */
  stop(): Promise<void>;
}

/** The ports named by `redis://host:port` or `redis+cluster://host:port,host:port`. */
export function redisPortsOf(url: string): number[] {
  const hosts = url.replace(/^redis(\+cluster)?:\/\//, '').split('/')[0] ?? '';
  return hosts.split(',').map((host) => Number(host.slice(host.lastIndexOf(':') + 1)));
}

async function startRedisSetup(
  setup: RedisSetup,
): Promise<{ redis: TestRedisServer | null; cluster: TestRedisCluster | null; url: string }> {
  if (setup === 'redis') {
    const redis = await startTestRedis();
    return { redis, cluster: null, url: redis.url };
  }
  const cluster = await startTestRedisCluster();
  return { redis: null, cluster, url: cluster.url };
}

/** Starts PostgreSQL and the Redis setup; if the second fails, the first is stopped again. */
export async function startStores(setup: RedisSetup): Promise<TestStores> {
  const postgres = await startTestPostgres();
  let started: Awaited<ReturnType<typeof startRedisSetup>>;
  try {
    started = await startRedisSetup(setup);
  } catch (error) {
    await postgres.destroy();
    throw error;
  }
  const { redis, cluster, url } = started;
  let stopped = false;
  return {
    postgres,
    redis,
    cluster,
    redisUrl: url,
    redisPorts: redisPortsOf(url),
    env: { DATABASE_URL: postgres.url, REDIS_URL: url },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.allSettled([postgres.destroy(), redis?.stop(), cluster?.stop()]);
    },
  };
}

/**
 * Every key matching `pattern` on every given node (`--scan` on a cluster node lists only
 * that node's keys, so asking each master lists the cluster). For assertions, not hot paths.
 */
export function redisKeys(ports: readonly number[], pattern: string): string[] {
  const cli = findProgram('redis-cli');
  if (cli === null) throw new Error('redis-cli is not installed');
  return ports.flatMap((port) => {
    const result = spawnSync(cli, ['-h', '127.0.0.1', '-p', String(port), '--scan', '--pattern', pattern], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (result.status !== 0) throw new Error(`redis-cli --scan on ${port} failed: ${result.stderr}`);
    return result.stdout.split('\n').filter((line) => line.length > 0);
  });
}

/** The nodes (by port) holding at least one key matching `pattern`. */
export function nodesHolding(ports: readonly number[], pattern: string): number[] {
  return ports.filter((port) => redisKeys([port], pattern).length > 0);
}

/** A TCP proxy in front of a store that can stop forwarding: a hung store, or a partition. */
export interface FreezableProxy {
  readonly port: number;
  /** Stops forwarding bytes either way (connections stay open; bytes wait in the buffers). */
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startFreezableProxy(targetPort: number): Promise<FreezableProxy> {
  const sockets = new Set<Socket>();
  /** Bytes that arrived while frozen, in arrival order, with where they were going. */
  const held: { to: Socket; chunk: Buffer }[] = [];
  let frozen = false;
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (frozen) held.push({ to, chunk });
        else to.write(chunk);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return {
    port: address.port,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const { to, chunk } of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
