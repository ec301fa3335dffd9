import { fileURLToPath } from 'node:url';
import type { CpuPlan } from './cpu-plan.js';
import { httpRequest } from './http.js';
import { IpcClient } from './ipc.js';
import type { LoadRunRequest, LoadRunResult } from './loadgen-child.js';
import type { ModeSizes } from './options.js';
import { cpuShares, readCpuTimes, treeCpuMs } from './proc.js';
import type { ProcessRegistry } from './processes.js';

const CHILD = fileURLToPath(new URL('./loadgen-child.js', import.meta.url));

export interface LoadSpec {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Status a single request must get before the load starts (default 200). */
  readonly expectStatus?: number;
  /**
   * Server processes whose CPU (utime + stime of the process and everything below it, from
   * /proc) is read just before and just after the measured run — not the warm-up.
   */
  readonly servers?: readonly MeteredServer[];
}

/** A server process to meter: `name` keys the numbers (`api`, `redis`, `postgres`…). */
export interface MeteredServer {
  readonly name: string;
  readonly pid: number;
}

/** One measured load run, with what the load generator itself cost. */
export interface LoadResult extends LoadRunResult {
  /** CPU the load generator used, as a share of one core over the run (1 = a full core). */
  readonly loadgenCpuShare: number;
  /** The load generator's CPU per completed request, in microseconds. */
  readonly loadgenCpuUsPerRequest: number;
  /** The server answered `Connection: close` (gunicorn's sync workers): every request reconnects. */
  readonly closesConnections: boolean;
  /** CPU each metered server used over the measured window, in ms (absent: not readable here). */
  readonly serverCpuMs: Readonly<Record<string, number>>;
  /** Wall time of the metered window (ms), the denominator of the servers' CPU shares. */
  readonly meteredMs: number;
  /** Shares (0–1) of all the machine's CPU time busy and stolen over the window; null off Linux. */
  readonly machineBusyShare: number | null;
  readonly stealShare: number | null;
}

async function meter(servers: readonly MeteredServer[]) {
  const [times, ...cpu] = await Promise.all([
    readCpuTimes(),
    ...servers.map((server) => treeCpuMs(server.pid)),
  ]);
  return { at: process.hrtime.bigint(), times, cpu };
}

/**
 * CPU (ms) each named server used between two readings. Servers of one name add up (the shards
 * of a Redis Cluster are the `redis` meter); a name with any unreadable process is left out
 * rather than reported as part of its CPU.
 */
export function cpuMsByName(
  servers: readonly MeteredServer[],
  before: readonly (number | null)[],
  after: readonly (number | null)[],
): Record<string, number> {
  const sums = new Map<string, number | null>();
  for (const [index, server] of servers.entries()) {
    const start = before[index];
    const end = after[index];
    const used =
      start === null || start === undefined || end === null || end === undefined ? null : end - start;
    const sum = sums.has(server.name) ? (sums.get(server.name) ?? null) : 0;
    sums.set(server.name, sum === null || used === null ? null : sum + used);
  }
  const cpuMs: Record<string, number> = {};
  for (const [name, sum] of sums) if (sum !== null) cpuMs[name] = sum;
  return cpuMs;
}

/**
 * autocannon in one long-lived child process pinned to the load CPU (fewer start-ups than a
 * process per run). Every run is preceded by a short unrecorded warm-up run on the same URL.
 */
export class LoadGenerator {
  private client: IpcClient | null = null;

  constructor(
    private readonly registry: ProcessRegistry,
    private readonly cpu: CpuPlan,
    private readonly sizes: ModeSizes,
  ) {}

  async run(
    spec: LoadSpec,
    overrides: { durationSec?: number; warmupSec?: number } = {},
  ): Promise<LoadResult> {
    const check = await httpRequest(spec.url, { headers: spec.headers ?? {} });
    const expected = spec.expectStatus ?? 200;
    if (check.status !== expected) {
      throw new Error(
        `GET ${spec.url} answered ${check.status} before the load (expected ${expected}): ${check.body.slice(0, 300)}`,
      );
    }
    const base: Omit<LoadRunRequest, 'durationSec'> = {
      url: spec.url,
      headers: spec.headers ?? {},
      connections: this.sizes.load.connections,
    };
    const client = this.start();
    const warmupSec = overrides.warmupSec ?? this.sizes.load.warmupSec;
    if (warmupSec > 0) await client.call({ type: 'run', run: { ...base, durationSec: warmupSec } });
    const servers = spec.servers ?? [];
    const before = await meter(servers);
    const result = await client.call<LoadRunResult>({
      type: 'run',
      run: { ...base, durationSec: overrides.durationSec ?? this.sizes.load.durationSec },
    });
    const after = await meter(servers);
    const serverCpuMs = cpuMsByName(servers, before.cpu, after.cpu);
    const shares =
      before.times === null || after.times === null ? null : cpuShares(before.times, after.times);
    return {
      ...result,
      serverCpuMs,
      meteredMs: Number(after.at - before.at) / 1e6,
      machineBusyShare: shares?.busy ?? null,
      stealShare: shares?.steal ?? null,
      loadgenCpuShare: result.loadgenCpuMs / 1000 / result.durationSec,
      loadgenCpuUsPerRequest: result.requests === 0 ? 0 : (result.loadgenCpuMs * 1000) / result.requests,
      closesConnections: String(check.headers.connection ?? '').toLowerCase() === 'close',
    };
  }

  private start(): IpcClient {
    if (this.client === null) {
      const managed = this.registry.spawn({
        name: 'load generator (autocannon)',
        command: process.execPath,
        args: [CHILD],
        cpus: this.cpu.loadCpus,
        ipc: true,
        env: { PATH: process.env.PATH ?? '' },
      });
      const client = new IpcClient(managed.child, 'load generator');
      managed.child.once('exit', () => {
        if (this.client === client) this.client = null;
      });
      this.client = client;
    }
    return this.client;
  }
}

/** A load run as case numbers (`value` is `reqPerSec`). */
export function loadNumbers(result: LoadResult, connections: number): Record<string, number> {
  return {
    reqPerSec: result.reqPerSec,
    p50Ms: result.latencyMs.p50,
    p90Ms: result.latencyMs.p90,
    p99Ms: result.latencyMs.p99,
    meanMs: result.latencyMs.mean,
    maxMs: result.latencyMs.max,
    // Little's law for a closed loop: mean latency = requests in flight / throughput.
    littleMeanMs: result.reqPerSec === 0 ? 0 : (connections / result.reqPerSec) * 1000,
    requests: result.requests,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    durationSec: result.durationSec,
    connections,
    loadgenCpuShare: result.loadgenCpuShare,
    loadgenCpuUsPerRequest: result.loadgenCpuUsPerRequest,
    ...serverCpuNumbers(result),
  };
}

/**
 * Per metered server: `<name>CpuUsPerRequest` (its CPU ÷ completed requests, µs) and
 * `<name>CpuShare` (cores it kept busy over the window); the machine's steal and busy shares.
 */
export function serverCpuNumbers(result: LoadResult): Record<string, number> {
  const numbers: Record<string, number> = {};
  for (const [name, cpuMs] of Object.entries(result.serverCpuMs)) {
    numbers[`${name}CpuUsPerRequest`] = result.requests === 0 ? 0 : (cpuMs * 1000) / result.requests;
    numbers[`${name}CpuShare`] = result.meteredMs <= 0 ? 0 : cpuMs / result.meteredMs;
  }
  if (result.stealShare !== null) numbers.stealShare = result.stealShare;
  if (result.machineBusyShare !== null) numbers.machineBusyShare = result.machineBusyShare;
  return numbers;
}

/** Notes a reader needs next to a load result: errors, and a saturated load generator. */
export function loadNotes(result: LoadResult, connections: number): string[] {
  const notes: string[] = [];
  if (result.closesConnections) {
    notes.push(
      `the server closes the connection after every response, so per-response latencies include reconnection and queueing at accept and are not comparable; mean latency by Little's law: ${((connections / Math.max(result.reqPerSec, 1e-9)) * 1000).toFixed(2)} ms`,
    );
  }
  if (result.errors > 0 || result.non2xx > 0) {
    notes.push(`${result.errors} connection errors and ${result.non2xx} non-2xx responses during the run`);
  }
  if (result.loadgenCpuShare > 0.9) {
    notes.push(
      `the load generator used ${Math.round(result.loadgenCpuShare * 100)}% of its core: it may be the limit`,
    );
  }
  return notes;
}
