/**
 * Bytes of server state per login from memory readings taken before and after the logins. A
 * reading repeated with nothing done in between moves a little (GC timing, lazily allocated
 * pages, Redis' allocator), so each side is read several times: the spread of the repeated
 * readings is the noise floor, and a delta within it — or below zero, which no stored login can
 * cause — is reported as 0 with the floor stated, never as a negative number of bytes.
 */
export interface StateBytes {
  /** Bytes per measured login: 0 when the delta is not above the noise floor. */
  readonly bytesPerLogin: number;
  /** The delta of the medians (after − before), as measured; may be negative. */
  readonly rawDeltaBytes: number;
  /** max − min over the repeated readings of either side. */
  readonly noiseBytes: number;
  /** The noise floor per login: `noiseBytes / logins`. */
  readonly noiseBytesPerLogin: number;
  /** True when the delta was at or below the noise floor (so `bytesPerLogin` is 0). */
  readonly belowNoise: boolean;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) throw new RangeError('no readings');
  const middle = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(middle)] as number) + (sorted[Math.ceil(middle)] as number)) / 2;
}

function spread(values: readonly number[]): number {
  return values.length === 0 ? 0 : Math.max(...values) - Math.min(...values);
}

export function stateBytes(before: readonly number[], after: readonly number[], logins: number): StateBytes {
  const rawDeltaBytes = median(after) - median(before);
  const noiseBytes = Math.max(spread(before), spread(after));
  const belowNoise = rawDeltaBytes <= noiseBytes;
  return {
    bytesPerLogin: belowNoise || logins <= 0 ? 0 : rawDeltaBytes / logins,
    rawDeltaBytes,
    noiseBytes,
    noiseBytesPerLogin: logins <= 0 ? 0 : noiseBytes / logins,
    belowNoise,
  };
}

/** The i-th user of a server-state run (the parent and the fresh child log in the same users). */
export function stateUserOf(index: number) {
  return { id: `user-${String(index).padStart(7, '0')}`, username: `user${index}`, tokenVersion: 0 };
}
