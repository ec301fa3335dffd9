import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';
import { findProgram } from './programs.js';
import { killAndWait, PortTakenError, waitUntilOwnServerAnswers } from './redis-server.js';

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

/** Three cluster-enabled servers on free ports, each checked to be the one answering its port. */
async function startClusterServers(
  server: string,
  root: string,
): Promise<{ ports: number[]; children: ChildProcess[] }> {
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
  try {
    // A parallel test may take a port between freePort() and the bind: its server would then
    // answer our PING and join "our" cluster.
    for (const [index, port] of ports.entries()) {
      const child = children[index];
      if (child !== undefined) await waitUntilOwnServerAnswers(port, child, 30_000);
    }
  } catch (error) {
    await killAll(children);
    throw error;
  }
  return { ports, children };
}

async function killAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map(killAndWait));
}

/** A throwaway Redis Cluster of three masters on free loopback ports. */
export async function startTestRedisCluster(): Promise<TestRedisCluster> {
  const server = findProgram(process.env.REDIS_SERVER_BIN ?? 'redis-server');
  if (server === null) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const root = mkdtempSync(join(tmpdir(), 'authbench-cluster-'));
  let started: { ports: number[]; children: ChildProcess[] } | undefined;
  for (let attempt = 1; started === undefined; attempt++) {
    try {
      started = await startClusterServers(server, root);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 3) {
        rmSync(root, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const { ports, children } = started;
  const stop = async (): Promise<void> => {
    await killAll(children);
    rmSync(root, { recursive: true, force: true });
  };
  try {
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
