import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findProgram, freePort, postgresBinDir, redisServerProgram } from '@authbench/test-support';
import type { ManagedProcess, ProcessRegistry } from './processes.js';

const run = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = `${REPO_ROOT}scripts/services.sh`;
const ENV_FILE = `${REPO_ROOT}.services/env`;

export type ServiceKind = 'redis' | 'postgres' | 'cluster';

export interface ServiceUrls {
  readonly REDIS_URL?: string;
  readonly DATABASE_URL?: string;
  readonly REDIS_CLUSTER_URL?: string;
}

const VARIABLE: Readonly<Record<ServiceKind, keyof ServiceUrls>> = {
  redis: 'REDIS_URL',
  postgres: 'DATABASE_URL',
  cluster: 'REDIS_CLUSTER_URL',
};

/** Why a kind of server cannot run here, or null when it can. */
export function missingService(kind: ServiceKind): { what: string; hint: string } | null {
  if (kind === 'postgres') {
    return postgresBinDir() === null
      ? { what: 'PostgreSQL 15 server binaries', hint: 'apt-get install postgresql-15' }
      : null;
  }
  return redisServerProgram() === null || findProgram('redis-cli') === null
    ? { what: 'redis-server', hint: 'apt-get install redis-server' }
    : null;
}

/**
 * Redis, PostgreSQL and a Redis Cluster through `scripts/services.sh` (free loopback ports,
 * server data outside the checkout, URLs in `.services/env`). Started on first use. Stopped at the end only when this run
 * started them: services someone had running before are reused and left running.
 */
export class Services {
  private readonly urls: Partial<Record<keyof ServiceUrls, string>> = {};
  private readonly preexisting = existsSync(ENV_FILE);
  private startedByUs = false;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly registry: ProcessRegistry) {}

  async ensure(...kinds: ServiceKind[]): Promise<ServiceUrls> {
    const needed = kinds.filter((kind) => this.urls[VARIABLE[kind]] === undefined);
    if (needed.length > 0) {
      // One services.sh at a time: it edits one env file.
      this.pending = this.pending.then(() => this.start(needed));
      await this.pending;
    }
    return { ...this.urls };
  }

  async url(kind: ServiceKind): Promise<string> {
    const urls = await this.ensure(kind);
    const url = urls[VARIABLE[kind]];
    if (url === undefined) throw new Error(`services.sh printed no ${VARIABLE[kind]}`);
    return url;
  }

  describe(): string {
    return this.preexisting
      ? 'reused the services already running (scripts/services.sh), left running'
      : this.startedByUs
        ? 'started with scripts/services.sh and stopped at the end'
        : 'none needed';
  }

  private async start(kinds: readonly ServiceKind[]): Promise<void> {
    const missing = kinds.map(missingService).find((reason) => reason !== null);
    if (missing !== undefined && missing !== null)
      throw new Error(`${missing.what} is not installed (${missing.hint})`);
    if (!this.preexisting && !this.startedByUs) {
      this.startedByUs = true;
      this.registry.onCleanup(
        'scripts/services.sh stop',
        async () => {
          await run('bash', [SCRIPT, 'stop'], { timeout: 60_000 });
        },
        () => {
          spawnSync('bash', [SCRIPT, 'stop'], { stdio: 'ignore', timeout: 60_000 });
        },
      );
    }
    const { stdout } = await run('bash', [SCRIPT, 'start', ...kinds], { timeout: 120_000 });
    for (const line of stdout.split('\n')) {
      const match = /^(REDIS_URL|DATABASE_URL|REDIS_CLUSTER_URL)=(\S+)$/.exec(line.trim());
      if (match?.[1] !== undefined && match[2] !== undefined) {
        this.urls[match[1] as keyof ServiceUrls] = match[2];
      }
    }
  }
}

export interface ScratchRedis {
  readonly url: string;
  readonly port: number;
  readonly process: ManagedProcess;
}

/**
 * A private, empty redis-server for measurements that read server-wide numbers
 * (`INFO memory`): nothing else writes to it. Stopped with the other processes.
 */
export async function startScratchRedis(registry: ProcessRegistry): Promise<ScratchRedis> {
  const program = redisServerProgram();
  if (program === null) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const port = await freePort();
  const managed = registry.spawn({
    name: `scratch redis-server :${port}`,
    command: program,
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
    ],
    env: { PATH: process.env.PATH ?? '' },
  });
  const cli = findProgram('redis-cli');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (cli !== null) {
      const result = spawnSync(cli, ['-h', '127.0.0.1', '-p', String(port), 'PING'], { encoding: 'utf8' });
      if (result.stdout.trim() === 'PONG')
        return { url: `redis://127.0.0.1:${port}`, port, process: managed };
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
  }
  await managed.stop();
  throw new Error(`scratch redis-server on ${port} did not answer PING`);
}
