import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseRedisUrl } from '@authbench/auth-stores';
import { freePort } from '@authbench/test-support';
import type { CpuPlan } from './cpu-plan.js';
import { apiEnvironment, type Fixtures } from './fixtures.js';
import { type Credential, ensureUser, login, type StrategyName, waitForHttp } from './http.js';
import type { MeteredServer } from './loadgen.js';
import { parseStatTicks, pidListeningOn } from './proc.js';
import type { ManagedProcess, ProcessRegistry } from './processes.js';

export const API_MAIN = fileURLToPath(new URL('../../../apps/api/dist/main.js', import.meta.url));
const EXIT_HOOK = fileURLToPath(new URL('./profile-exit-hook.js', import.meta.url));

/** One way of running the API, as environment variables (CONTRACT §1). */
export interface ApiConfig {
  readonly key: string;
  readonly description: string;
  readonly workers: number;
  /** `memory`: in-process stores and embedded users; `redis`: Redis + PostgreSQL. */
  readonly stores: 'memory' | 'redis';
  readonly env: Readonly<Record<string, string>>;
  /** The store servers whose CPU a load run on this API meters (not always what `env` dials). */
  readonly metered: MeteredStores;
}

/**
 * The URLs of the Redis and PostgreSQL servers themselves. Stated apart from REDIS_URL and
 * DATABASE_URL because those may point at a proxy (proxied-1w): metering whoever listens there
 * meters the proxy, which is how one run's "Redis / PostgreSQL CPU" columns came to show the
 * proxy's CPU, twice.
 */
export interface MeteredStores {
  readonly redis?: string;
  readonly postgres?: string;
}

export interface ApiHandle {
  readonly config: ApiConfig;
  readonly baseUrl: string;
  readonly process: ManagedProcess;
  /** A credential for the run's user, logged in once per strategy and reused. */
  credential(strategy: StrategyName): Promise<Credential>;
  /** The servers whose CPU a load run on this API meters: the API's process tree and its `config.metered` stores. */
  meteredServers(): Promise<MeteredServer[]>;
  /** A fresh login (revocation measurements log out what they use). */
  freshLogin(strategy: StrategyName): Promise<Credential>;
  stop(): Promise<void>;
}

function procChildren(pid: number): Promise<number[]> {
  return readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').then(
    (text) =>
      text
        .trim()
        .split(/\s+/)
        .filter((part) => part.length > 0)
        .map(Number),
    () => [],
  );
}

async function cpuTicks(pid: number): Promise<number> {
  try {
    return parseStatTicks(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

/**
 * The primary prints its URL when the first worker listens. The others are ready once all
 * `workers` children exist and have stopped burning CPU on start-up (Linux /proc); elsewhere,
 * a fixed pause.
 */
export async function waitForWorkers(pid: number, workers: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pause = (ms: number) => new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
  if (process.platform !== 'linux') {
    await pause(2_000);
    return;
  }
  while (Date.now() < deadline) {
    const children = await procChildren(pid);
    if (children.length >= workers) {
      const before = await Promise.all(children.map(cpuTicks));
      await pause(250);
      const after = await Promise.all(children.map(cpuTicks));
      if (after.every((ticks, index) => ticks - (before[index] ?? 0) <= 2)) return;
    } else {
      await pause(100);
    }
  }
}

/**
 * The ports a store URL names: one for `redis://` and `postgres://`, one per seed for
 * `redis+cluster://host:port,host:port,…` (split by the app's own `parseRedisUrl`; the harness
 * seeds every shard, so every shard is metered and their CPU adds up under one name).
 */
export function storePorts(url: string, defaultPort: number): number[] {
  const parsed = url.startsWith('redis+cluster://') ? parseRedisUrl(url) : null;
  const urls = parsed?.kind === 'cluster' ? parsed.urls : [url];
  return urls.map((each) => Number(new URL(each).port || defaultPort));
}

/** The API's process tree, plus the processes listening on the ports of `stores`' URLs. */
export async function meteredServers(pid: number, stores: MeteredStores): Promise<MeteredServer[]> {
  const servers: MeteredServer[] = [{ name: 'api', pid }];
  for (const [name, defaultPort] of [
    ['redis', 6379],
    ['postgres', 5432],
  ] as const) {
    const url = stores[name];
    if (url === undefined) continue;
    for (const port of storePorts(url, defaultPort)) {
      const server = await pidListeningOn(port);
      if (server !== null) servers.push({ name, pid: server });
    }
  }
  return servers;
}

export interface StartApiOptions {
  /** Write a V8 CPU profile per process into this directory (stop with `stopForProfile`). */
  readonly profileDir?: string;
}

export async function startApi(
  registry: ProcessRegistry,
  cpu: CpuPlan,
  fixtures: Fixtures,
  config: ApiConfig,
  options: StartApiOptions = {},
): Promise<ApiHandle> {
  const port = await freePort();
  const nodeArgs =
    options.profileDir === undefined
      ? []
      : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--import=${EXIT_HOOK}`];
  const managed = registry.spawn({
    name: `API ${config.key}${options.profileDir === undefined ? '' : ' (profiled)'}`,
    command: process.execPath,
    args: [...nodeArgs, API_MAIN],
    cpus: cpu.serverCpus,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...apiEnvironment(fixtures),
      API_WORKERS: String(config.workers),
      ...config.env,
    },
  });
  try {
    const match = await managed.waitForOutput(/listening on (http:\/\/\S+)/, 90_000);
    const baseUrl = match[1] ?? '';
    await waitForHttp(`${baseUrl}/strategies`, 30_000);
    if (config.workers > 1) await waitForWorkers(managed.pid, config.workers, 30_000);
    await ensureUser(baseUrl, fixtures.username, fixtures.password);
    const cached = new Map<StrategyName, Promise<Credential>>();
    const freshLogin = (strategy: StrategyName) =>
      login(baseUrl, strategy, fixtures.username, fixtures.password);
    return {
      config,
      baseUrl,
      process: managed,
      credential(strategy) {
        let pending = cached.get(strategy);
        if (pending === undefined) {
          pending = freshLogin(strategy);
          cached.set(strategy, pending);
        }
        return pending;
      },
      freshLogin,
      meteredServers: () => meteredServers(managed.pid, config.metered),
      stop: () => managed.stop(),
    };
  } catch (error) {
    await managed.stop(1_000);
    throw error;
  }
}

/** Whether a process is gone (or a zombie, which will write nothing more). */
async function gone(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command's closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

/** Waits until every pid is gone, for at most `timeoutMs`; true if they all went. */
export async function waitUntilGone(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(pids.map(gone));
    if (states.every(Boolean)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
  }
}

/**
 * Stops a profiled API so that every process (primary and workers) writes its profile, and
 * returns the workers' pids (none with one worker). The primary exits at once, but a worker that
 * served the load has a large profile to write when it exits: the usual stop would SIGKILL the
 * group as soon as the primary is gone and lose those profiles (the run of c200dfb profiled only
 * the idle primary of redis-2w), so the workers are waited for first.
 */
export async function stopForProfile(handle: ApiHandle): Promise<number[]> {
  const pid = handle.process.pid;
  const workers = handle.config.workers > 1 ? await procChildren(pid) : [];
  if (!handle.process.exited) {
    try {
      process.kill(-pid, 'SIGUSR2');
    } catch {
      // the group is already gone
    }
    await waitUntilGone([pid, ...workers], 10_000);
  }
  // Whatever is left (a worker that hung) goes the usual way.
  await handle.process.stop(1_000);
  return workers;
}

/**
 * API processes shared by the families of one run, started on first use and stopped at the
 * end (an API start costs seconds; the families measure different things on the same configs).
 */
export class ApiPool {
  private readonly running = new Map<string, Promise<ApiHandle>>();

  constructor(
    private readonly registry: ProcessRegistry,
    private readonly cpu: CpuPlan,
    private readonly fixtures: Fixtures,
    private readonly configs: (key: string) => Promise<ApiConfig>,
  ) {}

  get(key: string): Promise<ApiHandle> {
    let pending = this.running.get(key);
    if (pending === undefined) {
      pending = this.configs(key).then((config) => startApi(this.registry, this.cpu, this.fixtures, config));
      // A failed start is not cached: the next family may try again.
      pending.catch(() => this.running.delete(key));
      this.running.set(key, pending);
    }
    return pending;
  }

  async startProfiled(key: string, profileDir: string): Promise<ApiHandle> {
    return startApi(this.registry, this.cpu, this.fixtures, await this.configs(key), { profileDir });
  }

  async stopAll(): Promise<void> {
    const handles = await Promise.allSettled([...this.running.values()]);
    this.running.clear();
    await Promise.all(
      handles.map((settled) => (settled.status === 'fulfilled' ? settled.value.stop() : Promise.resolve())),
    );
  }
}
