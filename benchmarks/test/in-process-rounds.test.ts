import { describe, expect, it } from '@jest/globals';
import {
  caseFromRounds,
  cpuMicrosecondsPerCall,
  type RoundContender,
  runInProcessRounds,
} from '../src/lib/in-process-rounds.js';
import { type BenchCase, evaluateTarget, finalizeCases } from '../src/lib/results.js';

/** A contender whose figure for `caseId` in round r is `values[r]`, recording when it ran. */
function scripted(id: string, values: readonly number[], log: string[]): RoundContender {
  return {
    id,
    run: async (round) => {
      log.push(`${round}:${id}`);
      return { [`c/${id}`]: values[round] as number };
    },
  };
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('case not measured');
  return value;
}

function asCase(
  id: string,
  measured: ReturnType<typeof caseFromRounds>,
): Parameters<typeof finalizeCases>[0][number] {
  return {
    id,
    family: 'itsdangerous',
    label: id,
    unit: 'µs',
    better: 'lower',
    value: measured.value,
    numbers: measured.numbers,
    baselineId: 'c/ref',
    params: {},
    rounds: measured.rounds,
  };
}

describe('in-process interleaved rounds', () => {
  it('runs every contender once per round, rotating who goes first', async () => {
    const log: string[] = [];
    const six = [1, 1, 1, 1, 1, 1];
    const measured = await runInProcessRounds(
      [scripted('a', six, log), scripted('b', six, log), scripted('c', six, log)],
      3,
    );
    expect(log).toEqual(['0:a', '0:b', '0:c', '1:b', '1:c', '1:a', '2:c', '2:a', '2:b']);
    expect(measured.get('c/a')?.positions).toEqual([0, 2, 1]);
    expect(measured.get('c/c')?.values).toEqual([1, 1, 1]);
  });

  it('refuses a contender that skips a case in some round (the pairing needs every round)', async () => {
    const flaky: RoundContender = {
      id: 'f',
      run: async (round): Promise<Record<string, number>> => (round === 1 ? {} : { 'c/f': 1 }),
    };
    await expect(runInProcessRounds([flaky], 3)).rejects.toThrow(/c\/f/);
  });

  it('keeps one entry per round with the figure as `value`, and the interval of the median', () => {
    const measured = caseFromRounds({ values: [5, 3, 4, 6, 2, 7], positions: [0, 1, 2, 0, 1, 2] });
    expect(measured.value).toBe(4.5);
    expect(measured.numbers).toMatchObject({ median: 4.5, low: 2, high: 7, rounds: 6, min: 2, max: 7 });
    expect(measured.numbers.coverage).toBeGreaterThanOrEqual(0.95);
    expect(measured.rounds[1]).toEqual({ value: 3, position: 1 });
  });

  it('targets pair round i with round i: met, missed or inconclusive from the ratio interval', async () => {
    // The subject (lower is better) takes half the reference's time in every round, while the
    // machine drifts 3× across rounds: paired ratios are exactly 2 whatever the drift.
    const drift = [1, 2, 3, 1.5, 2.5, 1.2];
    const log: string[] = [];
    const measured = await runInProcessRounds(
      [
        scripted(
          'subject',
          drift.map((d) => d * 5),
          log,
        ),
        scripted(
          'ref',
          drift.map((d) => d * 10),
          log,
        ),
      ],
      6,
    );
    const cases: BenchCase[] = finalizeCases([
      asCase('c/subject', caseFromRounds(must(measured.get('c/subject')))),
      asCase('c/ref', caseFromRounds(must(measured.get('c/ref')))),
    ]);
    const spec = {
      id: 't',
      family: 'itsdangerous' as const,
      description: 't',
      caseId: 'c/subject',
      referenceId: 'c/ref',
    };
    expect(evaluateTarget({ ...spec, goal: 2 }, cases)).toMatchObject({
      status: 'met',
      measured: 2,
      rounds: 6,
    });
    expect(evaluateTarget({ ...spec, goal: 2.5 }, cases).status).toBe('missed');
  });

  it('a ratio interval straddling the goal is inconclusive', () => {
    const subject = caseFromRounds({ values: [5, 5, 5, 5, 5, 5], positions: [0, 0, 0, 0, 0, 0] });
    const reference = caseFromRounds({ values: [8, 12, 9, 11, 7, 13], positions: [1, 1, 1, 1, 1, 1] });
    const cases = finalizeCases([asCase('c/subject', subject), asCase('c/ref', reference)]);
    const spec = {
      id: 't',
      family: 'itsdangerous' as const,
      description: 't',
      caseId: 'c/subject',
      referenceId: 'c/ref',
    };
    expect(evaluateTarget({ ...spec, goal: 2 }, cases).status).toBe('inconclusive');
  });

  it('measures CPU per call of a busy loop as a positive, finite figure', () => {
    let sink = 0;
    const perCall = cpuMicrosecondsPerCall(
      () => {
        for (let i = 0; i < 1000; i += 1) sink += Math.sqrt(i);
      },
      { warmupMs: 5, batches: 5, minBatchMs: 2 },
    );
    expect(sink).toBeGreaterThan(0);
    expect(Number.isFinite(perCall)).toBe(true);
    expect(perCall).toBeGreaterThan(0);
  });
});
