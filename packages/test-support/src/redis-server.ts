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

/**
 * Resolves once the server answering on `port` is `child` itself (`INFO server` → `process_id`);
 * throws `PortTakenError` when another process answers there or `child` exited.
 */
export async function waitUntilOwnServerAnswers(
  port: number,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const cli = findProgram('redis-cli');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // A server that exited lost the port to someone else; an answer would then be theirs.
    if (child.exitCode !== null || child.signalCode !== null) throw new PortTakenError(port);
    if (cli !== null) {
      const result = spawnSync(cli, ['-h', '127.0.0.1', '-p', String(port), 'INFO', 'server'], {
        encoding: 'utf8',
      });
      const answeringPid = /process_id:(\d+)/.exec(result.stdout)?.[1];
      if (answeringPid !== undefined) {
        if (Number(answeringPid) === child.pid) return;
        throw new PortTakenError(port);
      }
    }
    await sleep(50);
  }
  throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
}

export class PortTakenError extends Error {
  constructor(port: number) {
    super(`redis-server could not keep port ${port} (another process took it first)`);
  }
}

/** SIGKILLs a test server (unless it already ended) and resolves once it has exited. */
export async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** A throwaway redis-server on a free loopback port, no persistence. */
export async function startTestRedis(): Promise<TestRedisServer> {
  const program = redisServerProgram();
  if (program === null) throw new Error('redis-server is not installed (apt-get install redis-server)');
  let port = await freePort();
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    const spawned = spawn(
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
    child = spawned;
    await waitUntilOwnServerAnswers(port, spawned, 30_000);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (running !== null) await killAndWait(running);
  };

  // Between freePort() and redis-server's bind, a parallel test may take the port: try anew.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 3) throw error;
      port = await freePort();
    }
  }
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

/**
 * The command timeout for test clients. The product's 1 s default is right for a server, but a
 * CI machine at load 15–27 on two cores can take longer than that to answer one command, and a
 * slow machine may make a test slower, never red. Outage drills do not need a short timeout:
 * a stopped server closes the socket, and commands then fail at once (no offline queue).
 */
export const TEST_REDIS_COMMAND_TIMEOUT_MS = 10_000;
