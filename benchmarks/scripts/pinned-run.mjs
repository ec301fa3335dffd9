// What the pinned, by-hand probes (hash-flood-latency.mjs, refusal-cpu.mjs) share: a free port,
// the app started pinned, a process's CPU time, the machine's load, and the median with its
// distribution-free interval.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** CPU time the process has used (user + system), in ms: fields 14 and 15 of /proc/<pid>/stat. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** The machine's load beside each case: on a shared machine a figure means little without it. */
export const machineLoad = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

export function median(sorted) {
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A distribution-free interval for the median of n values: the k-th smallest and k-th largest,
 * k the largest order with P(Binomial(n, 1/2) < k) ≤ 2.5 % (at least 1: with n < 6 the whole
 * range, at less than 95 %). Returns the bounds and their confidence.
 */
export function medianInterval(sorted) {
  const n = sorted.length;
  const below = (k) => {
    let p = 0;
    let c = 1;
    for (let i = 0; i < k; i += 1) {
      p += c / 2 ** n;
      c = (c * (n - i)) / (i + 1);
    }
    return p;
  };
  let k = 1;
  while (k + 1 <= n / 2 && below(k + 1) <= 0.025) k += 1;
  return { low: sorted[k - 1], high: sorted[n - k], confidence: 1 - 2 * below(k) };
}

/**
 * Starts `main` pinned to `cpu` (every thread, libuv's pool included) and waits for its health
 * check, up to 2 minutes: a loaded shared machine starts the app slowly. taskset execs node in
 * place, so the child's pid is the API's, for /proc/<pid>/stat.
 */
export async function startPinnedApp(main, cpu, port, env, stdio) {
  const child = spawn('taskset', ['-c', cpu, process.execPath, main], {
    env: { ...process.env, PORT: String(port), DATA_DIR: ':memory:', ...env },
    stdio,
  });
  for (let i = 0; i < 1200; i += 1) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`${main} did not start`);
}
