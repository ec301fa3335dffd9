import { describe, expect, it } from '@jest/globals';
import type { LoadResult } from '../src/lib/loadgen.js';
import { aggregateNotes } from '../src/lib/round-notes.js';
import { aggregateRounds } from '../src/lib/rounds.js';

/** A round of a server that closes every connection (gunicorn's sync workers), with errors. */
function closing(reqPerSec: number, errors: number, loadgenCpuShare = 0.5): LoadResult {
  return {
    reqPerSec,
    requests: reqPerSec,
    durationSec: 1,
    errors,
    timeouts: 0,
    non2xx: 0,
    status2xx: reqPerSec,
    latencyMs: { p50: 200, p90: 300, p99: 500, mean: 250, max: 600 },
    loadgenCpuMs: 500,
    loadgenCpuShare,
    loadgenCpuUsPerRequest: 100,
    closesConnections: true,
    serverCpuMs: { api: 900 },
    meteredMs: 1000,
    machineBusyShare: 0.9,
    stealShare: 0,
  };
}

const CLOSES =
  "the server closes the connection after every response, so per-response latencies include reconnection and queueing at accept and are not comparable; mean latency by Little's law:";

describe('notes of a case measured in rounds', () => {
  it('says a note of every round once: a per-round number as its range, counts summed over the rounds', () => {
    // 10 connections: Little's mean = 10 / req/s → 2.50, 2.00 and 4.00 ms.
    const rounds = [closing(4000, 36), closing(5000, 28), closing(2500, 74)].map((result, position) => ({
      result,
      position,
    }));
    const { notes, numbers } = aggregateRounds(rounds, 10);
    expect(notes).toEqual([
      `${CLOSES} 2.00–4.00 ms`,
      '138 connection errors and 0 non-2xx responses over 3 rounds',
    ]);
    // The summed count is the case's own errors figure.
    expect(numbers.errors).toBe(138);
  });

  it('says in how many rounds a note appeared when some rounds lack it, and keeps equal numbers', () => {
    const rounds = [closing(4000, 0, 0.91), closing(4000, 0, 0.5), closing(4000, 5, 0.902)].map(
      (result, position) => ({ result, position }),
    );
    const { notes } = aggregateRounds(rounds, 10);
    expect(notes).toEqual([
      `${CLOSES} 2.50 ms`,
      'in 2 of 3 rounds: the load generator used 90–91% of its core: it may be the limit',
      '5 connection errors and 0 non-2xx responses over 3 rounds',
    ]);
  });

  it('leaves numbers inside words and separated numbers alone', () => {
    const notes = aggregateNotes(
      [
        '0 errors and 3 non-2xx on p99 of 1,000 during the run',
        '0 errors and 4 non-2xx on p99 of 1,000 during the run',
      ],
      2,
      'per-round',
    );
    expect(notes).toEqual(['0 errors and 7 non-2xx on p99 of 1,000 over 2 rounds']);
  });

  it('merges a stored file’s per-round notes without summing what it may have merged already', () => {
    const stored = [
      `${CLOSES} 2.42 ms`,
      '36 connection errors and 0 non-2xx responses during the run',
      `${CLOSES} 2.98 ms`,
      '74 connection errors and 0 non-2xx responses during the run',
      `${CLOSES} 2.30 ms`,
      'GET /strategies declares 0 look-ups per request; 0 were counted',
    ];
    expect(aggregateNotes(stored, 6, 'stored')).toEqual([
      `${CLOSES} 2.30–2.98 ms`,
      '36–74 connection errors and 0 non-2xx responses per round',
      'GET /strategies declares 0 look-ups per request; 0 were counted',
    ]);
  });

  it('returns aggregated notes unchanged when they are read back', () => {
    const once = aggregateNotes(
      [
        `${CLOSES} 2.42 ms`,
        `${CLOSES} 2.98 ms`,
        '1 connection errors and 0 non-2xx responses during the run',
      ],
      2,
      'per-round',
    );
    expect(once).toEqual([
      `${CLOSES} 2.42–2.98 ms`,
      '1 connection errors and 0 non-2xx responses over 2 rounds',
    ]);
    expect(aggregateNotes(once, 2, 'stored')).toEqual(once);
  });
});
