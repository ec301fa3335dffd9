/**
 * Open-loop load: requests leave on a fixed schedule of send times, whatever the server does,
 * and each latency is counted from the request's **scheduled** send time. A closed loop (a few
 * connections, each waiting for its reply before the next request) slows down with the server
 * and so never records the wait a real client would see — coordinated omission. Here a stalled
 * server, a full socket pool or a late scheduler all show up as latency.
 *
 * The pieces are pure or take their I/O as a function (`send`) and their clock (`now`), so the
 * accounting is unit-tested without a real server; open-loop-child.ts plugs in node:http.
 */

export type ScheduleKind = 'poisson' | 'uniform';

/** Offered load for a while: `ratePerSec` requests per second for `durationSec`. */
export interface Phase {
  readonly ratePerSec: number;
  readonly durationSec: number;
}

/** A deterministic pseudo-random source in [0, 1) (mulberry32): the same seed, the same schedule. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Send times (ms from the start) of the phases, one after another. Poisson: exponential gaps
 * (independent clients); uniform: evenly spaced (the gentlest load at a given rate).
 */
export function sendSchedule(phases: readonly Phase[], kind: ScheduleKind, random: () => number): number[] {
  const times: number[] = [];
  let phaseStart = 0;
  for (const phase of phases) {
    const end = phaseStart + phase.durationSec * 1000;
    if (phase.ratePerSec <= 0) {
      phaseStart = end;
      continue;
    }
    const meanGap = 1000 / phase.ratePerSec;
    let t = phaseStart + (kind === 'uniform' ? meanGap / 2 : -meanGap * Math.log(1 - random()));
    while (t < end) {
      times.push(t);
      t += kind === 'uniform' ? meanGap : -meanGap * Math.log(1 - random());
    }
    phaseStart = end;
  }
  return times;
}

export type Outcome = 'ok' | 'non2xx' | 'error' | 'timeout';
export const OUTCOMES: readonly Outcome[] = ['ok', 'non2xx', 'error', 'timeout'];

/** One request: when it was due, when it actually left, when it ended (ms from the start). */
export interface Sample {
  readonly scheduledMs: number;
  /** When the scheduler dispatched it: later than scheduled when the generator fell behind. */
  readonly sentMs: number;
  /** End − scheduled: the latency a client on this schedule sees. */
  readonly latencyMs: number;
  readonly outcome: Outcome;
}

export interface OpenLoopOptions {
  /** A request not finished this long after its scheduled time is abandoned and counted as a time-out. */
  readonly timeoutMs: number;
  /** The clock, ms (monotonic); tests inject their own. */
  readonly now?: () => number;
  /** Waits `ms`; tests inject their own. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const realNow = () => performance.now();
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Dispatches `send` at every scheduled time without ever waiting for a reply, and resolves when
 * every request has ended or timed out. `send` gets an AbortSignal that fires at the time-out.
 */
export async function runOpenLoop(
  schedule: readonly number[],
  send: (signal: AbortSignal) => Promise<Exclude<Outcome, 'timeout'>>,
  options: OpenLoopOptions,
): Promise<Sample[]> {
  const now = options.now ?? realNow;
  const sleep = options.sleep ?? realSleep;
  const start = now();
  const samples: Sample[] = new Array(schedule.length);
  const pending: Promise<void>[] = [];
  for (const [index, scheduledMs] of schedule.entries()) {
    const wait = start + scheduledMs - now();
    // Timers are coarse (≥ 1 ms); a request due within a millisecond leaves now.
    if (wait >= 1) await sleep(wait);
    const sentMs = now() - start;
    const controller = new AbortController();
    let timedOut = false;
    // The deadline runs from the scheduled time: a request that left late has less time left.
    const timer = setTimeout(
      () => {
        timedOut = true;
        controller.abort();
      },
      Math.max(0, scheduledMs + options.timeoutMs - sentMs),
    );
    pending.push(
      send(controller.signal)
        .catch((): Exclude<Outcome, 'timeout'> => 'error')
        .then((outcome) => {
          clearTimeout(timer);
          const latencyMs = timedOut ? options.timeoutMs : now() - start - scheduledMs;
          samples[index] = { scheduledMs, sentMs, latencyMs, outcome: timedOut ? 'timeout' : outcome };
        }),
    );
  }
  await Promise.all(pending);
  return samples;
}

/** The value at quantile q (0–1) of sorted values: the nearest rank, so p99.9 of 1 000 is the largest. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

export interface WindowSummary {
  readonly offeredPerSec: number;
  /** Requests scheduled in the window. */
  readonly sent: number;
  /** Successful (2xx) responses that ended inside the window ÷ its length: what the server delivered. */
  readonly achievedPerSec: number;
  /** Latency from the scheduled time over every request scheduled in the window (time-outs count as the time-out). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** p99 of (sent − scheduled): above a millisecond or two, the generator itself fell behind. */
  readonly sendLagP99Ms: number;
}

/** The figures of the requests scheduled in [fromMs, toMs). */
export function summarizeWindow(samples: readonly Sample[], fromMs: number, toMs: number): WindowSummary {
  const inside = samples.filter((entry) => entry.scheduledMs >= fromMs && entry.scheduledMs < toMs);
  const latencies = inside.map((entry) => entry.latencyMs).sort((a, b) => a - b);
  const lags = inside.map((entry) => entry.sentMs - entry.scheduledMs).sort((a, b) => a - b);
  const seconds = (toMs - fromMs) / 1000;
  const delivered = samples.filter((entry) => {
    const end = entry.scheduledMs + entry.latencyMs;
    return entry.outcome === 'ok' && end >= fromMs && end < toMs;
  }).length;
  const count = (outcome: Outcome) => inside.filter((entry) => entry.outcome === outcome).length;
  return {
    offeredPerSec: seconds <= 0 ? 0 : inside.length / seconds,
    sent: inside.length,
    achievedPerSec: seconds <= 0 ? 0 : delivered / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    p999Ms: quantile(latencies, 0.999),
    maxMs: latencies[latencies.length - 1] ?? 0,
    errors: count('error'),
    timeouts: count('timeout'),
    non2xx: count('non2xx'),
    sendLagP99Ms: quantile(lags, 0.99),
  };
}

/** Requests in flight (scheduled and not yet ended) at time t: the queue a client population sees. */
export function backlogAt(samples: readonly Sample[], t: number): number {
  let count = 0;
  for (const entry of samples) {
    if (entry.scheduledMs <= t && entry.scheduledMs + entry.latencyMs > t) count += 1;
  }
  return count;
}

export interface OverloadSummary {
  /** Largest backlog (requests in flight) seen at any bucket edge during the overload window. */
  readonly backlogMax: number;
  /** How fast the backlog grew over the overload window, requests per second (≈ offered − served). */
  readonly backlogGrowthPerSec: number;
  /**
   * Time from the drop in load until the first bucket whose every request ended successfully
   * within `healthyMs`; null when that never happened before the schedule ended.
   */
  readonly recoveryMs: number | null;
}

/**
 * What happens past capacity: the overload phase is [fromMs, dropMs), then the load drops
 * (to a rate the server can carry) until endMs. Time is cut in `bucketMs` buckets.
 */
export function summarizeOverload(
  samples: readonly Sample[],
  window: { readonly fromMs: number; readonly dropMs: number; readonly endMs: number },
  healthyMs: number,
  bucketMs = 100,
): OverloadSummary {
  let backlogMax = 0;
  for (let t = window.fromMs; t <= window.dropMs; t += bucketMs)
    backlogMax = Math.max(backlogMax, backlogAt(samples, t));
  const seconds = (window.dropMs - window.fromMs) / 1000;
  const growth =
    seconds <= 0 ? 0 : (backlogAt(samples, window.dropMs) - backlogAt(samples, window.fromMs)) / seconds;
  let recoveryMs: number | null = null;
  for (let t = window.dropMs; t + bucketMs <= window.endMs; t += bucketMs) {
    const bucket = samples.filter((entry) => entry.scheduledMs >= t && entry.scheduledMs < t + bucketMs);
    if (bucket.length === 0) continue;
    if (bucket.every((entry) => entry.outcome === 'ok' && entry.latencyMs <= healthyMs)) {
      recoveryMs = t - window.dropMs;
      break;
    }
  }
  return { backlogMax, backlogGrowthPerSec: growth, recoveryMs };
}
