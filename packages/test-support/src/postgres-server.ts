import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface TestPostgresServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its data. */
  destroy(): Promise<void>;
}

const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';

export function postgresBinDir(): string | null {
  const dir = process.env.PG_BIN_DIR ?? DEFAULT_BIN_DIR;
  return existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')) ? dir : null;
}

/** PostgreSQL refuses to run as root: as root, run its binaries as the `postgres` user. */
function run(binary: string, args: readonly string[]): void {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? 'runuser' : binary;
  const argv = asRoot ? ['-u', 'postgres', '--', binary, ...args] : [...args];
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${binary} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  }
}

function ownedByPostgres(path: string): void {
  if (process.getuid?.() !== 0) return;
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  chownSync(path, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
}

/** A throwaway PostgreSQL cluster on a free loopback port, trust auth, data in a temp dir. */
export async function startTestPostgres(): Promise<TestPostgresServer> {
  const binDir = postgresBinDir();
  if (binDir === null)
    throw new Error('PostgreSQL server binaries not found (apt-get install postgresql-15)');
  const root = mkdtempSync(join(tmpdir(), 'authbench-pg-'));
  chmodSync(root, 0o755);
  ownedByPostgres(root);
  const dataDir = join(root, 'data');
  const port = await freePort();
  run(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'authbench', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const start = async (): Promise<void> => {
    run(join(binDir, 'pg_ctl'), [
      '-D',
      dataDir,
      '-w',
      '-l',
      join(root, 'server.log'),
      '-o',
      `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
      'start',
    ]);
  };
  const stop = async (): Promise<void> => {
    run(join(binDir, 'pg_ctl'), ['-D', dataDir, '-w', '-m', 'fast', 'stop']);
  };
  await start();
  return {
    url: `postgres://authbench@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
