// Processes, teardown and timing for the scale-out suites (issue #8): real API processes from
// dist/main.js (through spawn-api.ts), their worker trees read from /proc, and a teardown list
// that stops everything a suite started even when a test or a start-up failed half-way.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAIN, type SpawnedApi, spawnApi } from './spawn-api.js';

/** The same secrets for every process of a deployment, so each verifies the others' credentials. */
export const SHARED_SECRETS: Readonly<Record<string, string>> = {
  SESSION_SECRET: 'scale-session-secret-0123456789abcdefghijklmnop',
  TOKEN_SECRET: 'scale-token-secret-0123456789abcdefghijklmnopqr',
  JWT_SECRET: 'scale-jwt-secret-0123456789abcdefghijklmnopqrstu',
};

/**
 * Clean-ups run in reverse order of registration, every one of them even if another throws,
 * so `afterAll(() => teardown.run())` stops what was started, whatever failed before.
 */
export class Teardown {
  private readonly steps: { what: string; run: () => Promise<unknown> | unknown }[] = [];

  add(what: string, run: () => Promise<unknown> | unknown): void {
    this.steps.push({ what, run });
  }

  async run(): Promise<void> {
    const failures: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (step === undefined) break;
      try {
        await step.run();
      } catch (error) {
        failures.push(`${step.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw new Error(`teardown failed: ${failures.join('; ')}`);
  }
}

/** `ppid` of every process visible in /proc, read from `/proc/<pid>/stat`. */
function processTable(): Map<number, number> {
  const table = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), Number(fields[1]));
    } catch {
      // the process exited while we read the table
    }
  }
  return table;
}

/** Direct children of `pid` (the workers of an `API_WORKERS=N` primary). */
export function childPids(pid: number): number[] {
  return [...processTable()].filter(([, ppid]) => ppid === pid).map(([child]) => child);
}

/** Every live descendant of `pid`. */
export function descendantPids(pid: number): number[] {
  const table = [...processTable()];
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it holds, or throws naming `what` after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Waits until `GET /health` answers `status` (a Redis connection comes up in the background). */
export async function waitForHealth(baseUrl: string, status = 200, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    async () => {
      try {
        const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        return response.status === status;
      } catch {
        return false;
      }
    },
    `${baseUrl}/health to answer ${status}`,
    timeoutMs,
  );
}

/** A request's outcome and how long it took (outage drills assert that nothing hangs). */
export interface Timed<T> {
  readonly value: T;
  readonly ms: number;
}

export async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** A running API process and its pid; `stop()` never leaves a worker behind. */
export interface ApiProcess {
  readonly api: SpawnedApi;
  readonly baseUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Stops an API process: SIGTERM (the primary stops its workers), then SIGKILL for the
 * process and any descendant still alive after `graceMs`.
 */
async function stopProcessTree(api: SpawnedApi, graceMs = 10_000): Promise<void> {
  const pid = api.child.pid;
  if (pid === undefined) return;
  const tree = descendantPids(pid);
  const stopped = api.stop('SIGTERM');
  // Cancelled once the process is gone, so no pending timer keeps Jest alive.
  const grace = new AbortController();
  const timer = sleep(graceMs, 'timeout' as const, { signal: grace.signal }).catch(() => 'stopped' as const);
  const outcome = await Promise.race([stopped.then(() => 'stopped' as const), timer]);
  grace.abort();
  if (outcome === 'timeout') {
    api.child.kill('SIGKILL');
    await stopped;
  }
  for (const child of tree) {
    if (isAlive(child)) process.kill(child, 'SIGKILL');
  }
}

/**
 * Spawns `node dist/main.js` with `env` and registers its stop with `teardown`; `startTimeoutMs`
 * is how long it may take to print its URL (spawn-api's default unless given).
 */
export async function startApiProcess(
  teardown: Teardown,
  env: Readonly<Record<string, string>>,
  startTimeoutMs?: number,
): Promise<ApiProcess> {
  teardown.add('stray API processes', killStrayApiProcesses);
  const api = await spawnApi(env, startTimeoutMs);
  const pid = api.child.pid;
  if (pid === undefined) throw new Error('the API process has no pid');
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= stopProcessTree(api);
    return stopping;
  };
  teardown.add(`API process ${pid}`, stop);
  return { api, baseUrl: api.baseUrl, pid, stop };
}

/**
 * Kills (by pid) any child of this test process still running dist/main.js, with its workers:
 * spawn-api.ts leaves a process running when it does not print its URL in time.
 */
export function killStrayApiProcesses(): void {
  for (const pid of childPids(process.pid)) {
    let commandLine = '';
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!commandLine.split('\0').includes(MAIN)) continue;
    for (const pidToKill of [...descendantPids(pid), pid]) {
      if (isAlive(pidToKill)) process.kill(pidToKill, 'SIGKILL');
    }
  }
}
