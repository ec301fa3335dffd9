import { summarize } from './stats.js';

/**
 * How one in-process measurement is taken: a warm-up (JIT, caches, connection pools), then
 * `samples` timed batches. A batch repeats the operation enough times to last `minSampleMs`,
 * so a sub-microsecond operation is not drowned in timer resolution.
 */
export interface SamplerOptions {
  readonly warmupMs: number;
  readonly samples: number;
  readonly minSampleMs: number;
}

/** Nanoseconds per operation, over the batches. */
export interface SampleStats {
  readonly medianNs: number;
  readonly p10Ns: number;
  readonly p90Ns: number;
  readonly meanNs: number;
  readonly minNs: number;
  readonly samples: number;
  /** Operations per batch. */
  readonly batch: number;
  /** Operations timed in all (warm-up excluded). */
  readonly ops: number;
  /**
   * Process CPU per operation over the timed batches, every thread included: an operation that
   * waits on the libuv threadpool (WebCrypto) shows its worker's CPU here and not its wait. V8's
   * background threads count too (measured here: 70–450 µs per ms of a timer wait after the full
   * GC), so for an operation that mostly waits this is an upper bound.
   */
  readonly cpuNsPerOp: number;
}

type Operation = () => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Runs `operation` once, awaiting it only when it returned a promise (sync libraries stay sync). */
async function runOnce(operation: Operation): Promise<void> {
  const result = operation();
  if (isThenable(result)) await result;
}

async function runBatch(operation: Operation, count: number): Promise<bigint> {
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const result = operation();
    if (isThenable(result)) await result;
  }
  return process.hrtime.bigint() - start;
}

export async function sample(operation: Operation, options: SamplerOptions): Promise<SampleStats> {
  // Warm-up, which also calibrates the batch size.
  let warmOps = 0;
  const warmStart = process.hrtime.bigint();
  const warmLimit = BigInt(Math.round(options.warmupMs * 1e6));
  do {
    await runOnce(operation);
    warmOps += 1;
  } while (process.hrtime.bigint() - warmStart < warmLimit);
  const perOpNs = Number(process.hrtime.bigint() - warmStart) / warmOps;
  const batch = Math.max(
    1,
    Math.min(1_000_000, Math.ceil((options.minSampleMs * 1e6) / Math.max(perOpNs, 1))),
  );

  const perOp: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let index = 0; index < options.samples; index += 1) {
    perOp.push(Number(await runBatch(operation, batch)) / batch);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const summary = summarize(perOp);
  return {
    medianNs: summary.median,
    p10Ns: summary.p10,
    p90Ns: summary.p90,
    meanNs: summary.mean,
    minNs: summary.min,
    samples: options.samples,
    batch,
    ops: batch * options.samples,
    cpuNsPerOp: ((cpu.user + cpu.system) * 1000) / (batch * options.samples),
  };
}

/** The same operation wrapped so an expected refusal is swallowed (checked once beforehand). */
export function refusing(operation: () => unknown): () => Promise<void> {
  return async () => {
    try {
      await operation();
    } catch {
      // expected: this is the invalid-credential case, asserted to fail before sampling
    }
  };
}

/** Fails loudly when a "valid" case does not pass or an "invalid" case does not fail. */
export async function expectOutcome(
  label: string,
  operation: () => unknown,
  outcome: 'accept' | 'refuse',
): Promise<void> {
  let accepted: boolean;
  let reason: unknown;
  try {
    await operation();
    accepted = true;
  } catch (error) {
    accepted = false;
    reason = error;
  }
  if (outcome === 'accept' && !accepted) {
    throw new Error(
      `${label}: expected the credential to be accepted, it was refused: ${reason instanceof Error ? reason.message : String(reason)}`,
    );
  }
  if (outcome === 'refuse' && accepted) throw new Error(`${label}: expected a refusal, it was accepted`);
}

/** Seconds one `sample` call takes, roughly (for the ETA). */
export function sampleSeconds(options: SamplerOptions): number {
  return ((options.warmupMs + options.samples * options.minSampleMs) / 1000) * 1.4 + 0.02;
}

/** The numbers of a case measured in nanoseconds, reported in microseconds. */
export function microseconds(stats: SampleStats): Record<string, number> {
  return {
    median: stats.medianNs / 1000,
    p10: stats.p10Ns / 1000,
    p90: stats.p90Ns / 1000,
    mean: stats.meanNs / 1000,
    min: stats.minNs / 1000,
    samples: stats.samples,
    opsPerSample: stats.batch,
  };
}
