import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null = null;

/**
 * A full garbage collection, for heap-delta measurements. Works without `--expose-gc` on the
 * command line: the flag is set at run time and `gc` is taken from a fresh context.
 */
export function fullGc(): void {
  if (collect === null) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (typeof existing === 'function') collect = existing;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
  collect();
}

/** Heap bytes in use after a full collection. */
export function settledHeapBytes(): number {
  fullGc();
  return process.memoryUsage().heapUsed;
}
