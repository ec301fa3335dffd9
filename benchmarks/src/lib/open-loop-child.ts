// The open-loop load generator in its own process, pinned to the load CPU like autocannon's
// (loadgen-child.ts): runs one schedule per request and returns every sample, compactly.
import { serveIpc } from './ipc.js';
import {
  OUTCOMES,
  type Phase,
  runOpenLoop,
  type ScheduleKind,
  seededRandom,
  sendSchedule,
} from './open-loop.js';
import { httpSender } from './open-loop-http.js';

export interface OpenLoopRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly phases: readonly Phase[];
  readonly kind: ScheduleKind;
  readonly seed: number;
  readonly timeoutMs: number;
  readonly maxSockets: number;
}

/** Samples as parallel arrays (smaller over IPC than objects): outcome is an index into OUTCOMES. */
export interface OpenLoopReply {
  readonly scheduledMs: number[];
  readonly sentMs: number[];
  readonly latencyMs: number[];
  readonly outcome: number[];
  /** The generator's own CPU over the run, ms. */
  readonly loadgenCpuMs: number;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

serveIpc(async (message) => {
  if (message.type !== 'run') throw new Error(`unknown request ${String(message.type)}`);
  const run = message.run as OpenLoopRequest;
  const schedule = sendSchedule(run.phases, run.kind, seededRandom(run.seed));
  const sender = httpSender(run.url, run.headers, run.maxSockets);
  const cpuBefore = process.cpuUsage();
  try {
    const samples = await runOpenLoop(schedule, sender.send, { timeoutMs: run.timeoutMs });
    const cpu = process.cpuUsage(cpuBefore);
    const reply: OpenLoopReply = {
      scheduledMs: samples.map((entry) => round(entry.scheduledMs)),
      sentMs: samples.map((entry) => round(entry.sentMs)),
      latencyMs: samples.map((entry) => round(entry.latencyMs)),
      outcome: samples.map((entry) => OUTCOMES.indexOf(entry.outcome)),
      loadgenCpuMs: (cpu.user + cpu.system) / 1000,
    };
    return reply;
  } finally {
    sender.close();
  }
});
