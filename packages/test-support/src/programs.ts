import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH (or the given absolute path), or null. */
export function findProgram(program: string): string | null {
  const candidates = program.includes('/')
    ? [program]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}

/**
 * The suite-level policy for a missing system program: outside CI, print why and let the
 * caller skip; under CI=true, throw — a skipped suite there would hide a broken pipeline.
 */
export function requireProgramOrSkip(available: boolean, what: string, installHint: string): boolean {
  if (available) return true;
  const message = `${what} is not available (${installHint}); its tests are skipped.`;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`CI: ${message} CI must provision it (.ci/run).`);
  }
  console.warn(`SKIPPED: ${message}`);
  return false;
}
