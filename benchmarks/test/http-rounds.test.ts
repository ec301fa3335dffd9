import { describe, expect, it } from '@jest/globals';
import { roundsNote } from '../src/cases/http-throughput.js';
import { sizesFor } from '../src/lib/options.js';

describe("the HTTP family's note on its rounds", () => {
  it('states each round count with the configurations that ran it and the interval it gives', () => {
    const note = roundsNote(
      ['the load generator ceiling', 'memory-1w', 'redis-1w', 'memory-1w-fastify'],
      sizesFor(false),
    );
    expect(note).toBe(
      '9 interleaved rounds (order rotated per round) for memory-1w, memory-1w-fastify: interval [2nd, 8th] of the rounds, 96.1 % coverage; ' +
        '6 interleaved rounds (order rotated per round) for the load generator ceiling, redis-1w: interval [min, max] of the rounds, 96.9 % coverage',
    );
  });

  it('says a quick run cannot decide a target', () => {
    expect(roundsNote(['memory-1w'], sizesFor(true))).toMatch(
      /^2 interleaved rounds .* less than 95 %: too few rounds to decide a target$/,
    );
  });
});
