// The load generator in its own process, pinned apart from the servers: runs autocannon on
// request and reports its results and its own CPU time (the cost of generating the load).
import autocannon from 'autocannon';
import { serveIpc } from './ipc.js';

export interface LoadRunRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly durationSec: number;
  readonly method?: 'GET' | 'POST';
}

export interface LoadRunResult {
  readonly requests: number;
  readonly durationSec: number;
  readonly reqPerSec: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly mean: number;
    readonly max: number;
  };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly status2xx: number;
  readonly loadgenCpuMs: number;
}

serveIpc(async (request) => {
  if (request.type !== 'run') throw new Error(`unknown request ${String(request.type)}`);
  const run = request.run as LoadRunRequest;
  const cpuBefore = process.cpuUsage();
  // autocannon's own latency histogram has 1 ms resolution; loopback latencies need better,
  // so every response time (ms, from process.hrtime) is kept here as well.
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: run.url,
        headers: { ...run.headers },
        connections: run.connections,
        duration: run.durationSec,
        method: run.method ?? 'GET',
        pipelining: 1,
      },
      (error: unknown, outcome: autocannon.Result) => (error ? reject(error) : resolve(outcome)),
    );
    // The emitted arguments are (client, statusCode, bytes, responseTime); the types omit `client`.
    (instance as NodeJS.EventEmitter).on('response', (...args: unknown[]) => {
      const time = args[3];
      if (typeof time === 'number') latencies.push(time);
    });
  });
  const cpu = process.cpuUsage(cpuBefore);
  const completed = result.requests.total;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const reply: LoadRunResult = {
    requests: completed,
    durationSec: result.duration,
    reqPerSec: completed / result.duration,
    latencyMs: {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      mean: latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length),
      max: latencies[latencies.length - 1] ?? 0,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    status2xx: result['2xx'],
    loadgenCpuMs: (cpu.user + cpu.system) / 1000,
  };
  return reply;
});
