import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';
import { findProgram } from './programs.js';

export interface TestRedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (for outage drills); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function redisServerProgram(): string | null {
  return findProgram(process.env.REDIS_SERVER_BIN ?? 'redis-server');
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const cli = findProgram('redis-cli');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cli !== null) {
      const result = spawnSync(cli, ['-h', '127.0.0.1', '-p', String(port), 'PING'], { encoding: 'utf8' });
      if (result.stdout.trim() === 'PONG') return;
    }
    await sleep(50);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

/** A throwaway redis-server on a free loopback port, no persistence. */
export async function startTestRedis(): Promise<TestRedisServer> {
  const program = redisServerProgram();
  if (program === null) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const port = await freePort();
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    child = spawn(
      program,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: 'ignore' },
    );
    await waitForPing(port, 10_000);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (running === null || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}

/** What the helper needs of a client; the stores package's `RedisConnection` is one. */
export interface TestRedisClient {
  connect(): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ConnectedTestRedis<C extends TestRedisClient> {
  readonly server: TestRedisServer;
  readonly redis: C;
  /** Waits until the connection is ready again (after `server.start()` in an outage drill). */
  waitUntilReady(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A throwaway redis-server and a connected client to it, closed together. The caller opens the
 * client, so this private package depends on none of ours.
 */
export async function connectTestRedis<C extends TestRedisClient>(
  open: (url: string) => C,
): Promise<ConnectedTestRedis<C>> {
  const server = await startTestRedis();
  const redis = open(server.url);
  await redis.connect();
  return {
    server,
    redis,
    async waitUntilReady(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await redis.ping())) {
        if (Date.now() > deadline) throw new Error(`Redis did not come back within ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    async close() {
      await redis.close();
      await server.stop();
    },
  };
}
