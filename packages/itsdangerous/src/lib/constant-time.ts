/**
 * The one constant-time byte comparison (STYLE #6), used for every signature check.
 * @module
 */

/**
 * Compares `expected` (the value we computed) with `actual` (what we were given) without
 * exiting early on the first differing byte. The running time depends only on
 * `expected.length`, never on where the inputs differ. Lengths may differ: the result is then
 * `false`, after the same amount of work (a MAC's length is public, its bytes are not).
 */
export function constantTimeEqual(expected: Uint8Array, actual: Uint8Array): boolean {
  const n = expected.length;
  let diff = n ^ actual.length;
  for (let i = 0; i < n; i++) {
    // Reading past the end of `actual` yields undefined; `| 0` turns it into 0 without a branch.
    diff |= (expected[i] as number) ^ ((actual[i] as number) | 0);
  }
  return diff === 0;
}
