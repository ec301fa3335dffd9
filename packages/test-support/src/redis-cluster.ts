import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';
import { findProgram } from './programs.js';

export interface TestRedisCluster {
  /** `redis+cluster://127.0.0.1:a,127.0.0.1:b,127.0.0.1:c` */
  readonly url: string;
  stop(): Promise<void>;
}

function cli(args: readonly string[]): string {
  const program = findProgram('redis-cli');
  if (program === null) throw new Error('redis-cli is not installed (apt-get install redis-server)');
  return spawnSync(program, args, { encoding: 'utf8', timeout: 30_000 }).stdout;
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A throwaway Redis Cluster of three masters on free loopback ports. */
export async function startTestRedisCluster(): Promise<TestRedisCluster> {
  const server = findProgram(process.env.REDIS_SERVER_BIN ?? 'redis-server');
  if (server === null) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const root = mkdtempSync(join(tmpdir(), 'authbench-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      server,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(root, `nodes-${port}.conf`),
        '--dir',
        root,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      await until(() => cli(['-p', String(port), 'PING']).trim() === 'PONG', `redis-server on ${port}`);
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    cli(['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    await until(
      () => ports.every((port) => cli(['-p', String(port), 'CLUSTER', 'INFO']).includes('cluster_state:ok')),
      'cluster_state:ok',
    );
  } catch (error) {
    // Half a cluster is still three servers: stop them before reporting.
    await stop();
    throw error;
  }
  return { url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, stop };
}
