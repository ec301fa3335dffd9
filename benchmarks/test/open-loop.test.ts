import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  backlogAt,
  type Outcome,
  quantile,
  runOpenLoop,
  type Sample,
  seededRandom,
  sendSchedule,
  summarizeOverload,
  summarizeWindow,
} from '../src/lib/open-loop.js';
import { httpSender } from '../src/lib/open-loop-http.js';

/** A virtual clock: `sleep` moves time forward (plus an optional overshoot, a late scheduler). */
function virtualClock(overshootMs = 0) {
  let t = 1_000;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms + overshootMs;
    },
    set: (value: number) => {
      t = value;
    },
  };
}

describe('open-loop schedule', () => {
  it('spaces a uniform schedule evenly and offers exactly rate × duration', () => {
    const times = sendSchedule([{ ratePerSec: 100, durationSec: 1 }], 'uniform', seededRandom(1));
    expect(times).toHaveLength(100);
    expect(times[0]).toBeCloseTo(5);
    expect((times[1] as number) - (times[0] as number)).toBeCloseTo(10);
  });

  it('draws the same Poisson schedule from the same seed, in order, phase after phase', () => {
    const phases = [
      { ratePerSec: 2_000, durationSec: 1 },
      { ratePerSec: 500, durationSec: 1 },
    ];
    const a = sendSchedule(phases, 'poisson', seededRandom(7));
    expect(sendSchedule(phases, 'poisson', seededRandom(7))).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    const first = a.filter((t) => t < 1_000).length;
    const second = a.length - first;
    // Poisson counts: mean 2 000 and 500, sd ≈ 45 and 22; these bounds are > 6 sd wide.
    expect(first).toBeGreaterThan(1_700);
    expect(first).toBeLessThan(2_300);
    expect(second).toBeGreaterThan(350);
    expect(second).toBeLessThan(650);
  });
});

describe('latency from the scheduled send time (no coordinated omission)', () => {
  it('charges a stalled server’s wait to every request scheduled during the stall', async () => {
    const clock = virtualClock();
    const held: ((outcome: Exclude<Outcome, 'timeout'>) => void)[] = [];
    const schedule = [0, 10, 20, 30, 40];
    const send = () =>
      new Promise<Exclude<Outcome, 'timeout'>>((resolve) => {
        held.push(resolve);
        // The server answers nothing until 500 ms after the start, then everything at once.
        if (held.length === schedule.length) {
          clock.set(1_000 + 500);
          for (const release of held) release('ok');
        }
      });
    const samples = await runOpenLoop(schedule, send, { timeoutMs: 60_000, ...clock });
    expect(samples.map((entry) => entry.latencyMs)).toEqual([500, 490, 480, 470, 460]);
    expect(samples.every((entry) => entry.outcome === 'ok')).toBe(true);
  });

  it('counts a late generator’s delay as latency too', async () => {
    // Every sleep overshoots by 7 ms: the scheduler runs behind its schedule.
    const clock = virtualClock(7);
    const samples = await runOpenLoop([10, 20], async () => 'ok', { timeoutMs: 60_000, ...clock });
    for (const entry of samples) {
      expect(entry.sentMs - entry.scheduledMs).toBeGreaterThanOrEqual(7);
      // Latency runs from the schedule, so it holds the lag (a sent-time clock would say 0).
      expect(entry.latencyMs).toBeGreaterThanOrEqual(entry.sentMs - entry.scheduledMs);
    }
  });

  it('abandons a request at the time-out and records it as one', async () => {
    const send = (signal: AbortSignal) =>
      new Promise<Exclude<Outcome, 'timeout'>>((resolve) => {
        signal.addEventListener('abort', () => resolve('error'));
      });
    const samples = await runOpenLoop([0], send, { timeoutMs: 30 });
    expect(samples[0]?.outcome).toBe('timeout');
    expect(samples[0]?.latencyMs).toBe(30);
  });
});

describe('the node:http sender against a real server', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())));
    server = null;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it('a server stalled 300 ms: each latency is at least 300 ms minus its scheduled offset', async () => {
    const STALL_MS = 300;
    let releaseAt: number | null = null;
    const url = await listen((_request, response) => {
      releaseAt ??= Date.now() + STALL_MS;
      setTimeout(() => response.end('ok'), Math.max(0, releaseAt - Date.now()));
    });
    const sender = httpSender(url, {}, 64);
    try {
      const schedule = [0, 10, 20, 30, 40];
      const samples = await runOpenLoop(schedule, sender.send, { timeoutMs: 30_000 });
      expect(samples.map((entry) => entry.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      // Lower bounds only: a slow machine makes latencies longer, never shorter.
      for (const entry of samples)
        expect(entry.latencyMs).toBeGreaterThanOrEqual(STALL_MS - entry.scheduledMs - 1);
    } finally {
      sender.close();
    }
  });

  it('one socket and a 50 ms server: the k-th request waits for the k before it', async () => {
    const SERVICE_MS = 50;
    const url = await listen((_request, response) => {
      setTimeout(() => response.end('ok'), SERVICE_MS);
    });
    const sender = httpSender(url, {}, 1);
    try {
      const schedule = [0, 1, 2, 3, 4];
      const samples = await runOpenLoop(schedule, sender.send, { timeoutMs: 30_000 });
      // A closed loop would report ~50 ms for each; from the schedule, the queue shows.
      for (const [k, entry] of samples.entries())
        expect(entry.latencyMs).toBeGreaterThanOrEqual((k + 1) * SERVICE_MS - entry.scheduledMs - 1);
    } finally {
      sender.close();
    }
  });
});

describe('open-loop summaries', () => {
  const sample = (scheduledMs: number, latencyMs: number, outcome: Outcome = 'ok'): Sample => ({
    scheduledMs,
    sentMs: scheduledMs,
    latencyMs,
    outcome,
  });

  it('takes nearest-rank quantiles', () => {
    const values = Array.from({ length: 1_000 }, (_, index) => index + 1);
    expect(quantile(values, 0.5)).toBe(500);
    expect(quantile(values, 0.99)).toBe(990);
    expect(quantile(values, 0.999)).toBe(999);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('summarises the requests scheduled in a window and what the server delivered in it', () => {
    const samples = [
      sample(0, 1),
      sample(100, 2),
      sample(200, 3, 'non2xx'),
      sample(300, 900, 'ok'), // ends at 1 200: outside the window
      sample(400, 5, 'timeout'),
      sample(1_500, 1), // scheduled outside the window
    ];
    const summary = summarizeWindow(samples, 0, 1_000);
    expect(summary.sent).toBe(5);
    expect(summary.offeredPerSec).toBe(5);
    expect(summary.achievedPerSec).toBe(2);
    expect(summary.non2xx).toBe(1);
    expect(summary.timeouts).toBe(1);
    expect(summary.p50Ms).toBe(3);
    expect(summary.maxMs).toBe(900);
  });

  it('measures queue growth past capacity and the time to recover after the drop', () => {
    // Overload 0–1 000 ms: one request every 10 ms, latency growing 1 ms per ms (queue builds).
    // After the drop at 1 000, latencies fall back; from 1 300 on they are healthy (2 ms).
    const samples: Sample[] = [];
    for (let t = 0; t < 1_000; t += 10) samples.push(sample(t, 1 + t));
    for (let t = 1_000; t < 2_000; t += 20) samples.push(sample(t, t < 1_300 ? 1_300 - t : 2));
    // At 500 ms: scheduled at ≤ 500 and ending (2t + 1) after 500, i.e. t = 250…500: 26 requests.
    expect(backlogAt(samples, 500)).toBe(26);
    const overload = summarizeOverload(samples, { fromMs: 0, dropMs: 1_000, endMs: 2_000 }, 5);
    expect(overload.recoveryMs).toBe(300);
    expect(overload.backlogMax).toBeGreaterThanOrEqual(backlogAt(samples, 1_000));
    expect(overload.backlogGrowthPerSec).toBeGreaterThan(0);
  });

  it('says "not recovered" when no bucket after the drop is healthy', () => {
    const samples = [sample(0, 5_000), sample(1_000, 4_000), sample(1_500, 3_000)];
    expect(summarizeOverload(samples, { fromMs: 0, dropMs: 1_000, endMs: 2_000 }, 5).recoveryMs).toBeNull();
  });
});
