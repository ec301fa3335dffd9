import { describe, expect, it } from '@jest/globals';
import { sampleInRounds } from '../src/lib/interleaved.js';
import type { SampleStats } from '../src/lib/sampler.js';

/** Burns about `us` µs of this process's CPU (not of wall time: the machine may be loaded). */
function burn(us: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= us) return;
  }
}

describe('sampleInRounds', () => {
  it('hands every sample to onSample, once per contender per round, with its CPU per operation', async () => {
    const seen: { key: string; stats: SampleStats }[] = [];
    const perRound = await sampleInRounds(
      [
        { key: 'busy', run: () => burn(50) },
        // Asynchronous: the sampler awaits it. Its CPU figure is not compared with its wall time:
        // process CPU counts every thread (V8's helpers, Jest's), busy while this one waits.
        { key: 'waiting', run: () => new Promise((resolve) => setTimeout(resolve, 1)) },
      ],
      2,
      { warmupMs: 5, samples: 3, minSampleMs: 2 },
      undefined,
      (key, stats) => seen.push({ key, stats }),
    );
    expect(seen.map((entry) => entry.key).sort()).toEqual(['busy', 'busy', 'waiting', 'waiting']);
    expect(perRound.get('busy')).toHaveLength(2);
    for (const { key, stats } of seen) {
      expect(Number.isFinite(stats.cpuNsPerOp)).toBe(true);
      expect(stats.cpuNsPerOp).toBeGreaterThanOrEqual(0);
      // 50 µs of CPU burnt per call: at least that much per operation, however slow the machine.
      if (key === 'busy') expect(stats.cpuNsPerOp).toBeGreaterThanOrEqual(50_000);
    }
  });
});
