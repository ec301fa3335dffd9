/**
 * The Python itsdangerous contender runs with glibc's heap trimming off (cases/itsdangerous.ts
 * says why): with the default threshold, the ~270 KiB of deflate state `zlib.compress` frees at
 * the top of the heap is handed back to the kernel on every call, and faulted in again on the
 * next. Checked on glibc's own counters, not on a timing: `mallinfo2().keepcost` is the top of
 * the heap it could give back, which trimming keeps under ~128 KiB.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { PYTHON_MALLOC_TRIM_THRESHOLD, pythonTimingEnv } from '../src/cases/itsdangerous.js';

const KEEPCOST_AFTER_COMPRESS = `
import ctypes, zlib
class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        'arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost')]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
for _ in range(3):
    zlib.compress(b'{"sub": "3f2a1c9e-0b7d-4a61-9c1e-2b7f5d8e4a10", "ver": 3}')
print(libc.mallinfo2().keepcost)
`;

function keepcostAfterCompress(env: NodeJS.ProcessEnv): number {
  return Number(execFileSync('/usr/bin/python3', ['-c', KEEPCOST_AFTER_COMPRESS], { env, encoding: 'utf8' }));
}

const DEFLATE_STATE_BYTES = 256 * 1024;

describe('the Python timing child’s environment', () => {
  it('keeps the parent’s variables and sets the heap-trim threshold', () => {
    const env = pythonTimingEnv({ PATH: '/usr/bin', LANG: 'C.UTF-8' });
    expect(env).toEqual({
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      MALLOC_TRIM_THRESHOLD_: PYTHON_MALLOC_TRIM_THRESHOLD,
    });
    expect(Number(PYTHON_MALLOC_TRIM_THRESHOLD)).toBeGreaterThan(DEFLATE_STATE_BYTES);
  });

  it('keeps zlib’s freed state in Python’s heap, which the default trims away', () => {
    const { MALLOC_TRIM_THRESHOLD_: _unset, ...parent } = process.env;
    expect(keepcostAfterCompress(parent)).toBeLessThan(DEFLATE_STATE_BYTES);
    expect(keepcostAfterCompress(pythonTimingEnv(parent))).toBeGreaterThan(DEFLATE_STATE_BYTES);
  });
});
