import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findProgram } from '@authbench/test-support';
import type { TokenDigest } from '../../src/index.js';

const PYTHON = process.env.PYTHON3_BIN ?? '/usr/bin/python3';
const TOOL = fileURLToPath(new URL('./itsdangerous_tool.py', import.meta.url));

/** Whether `python3` with the `itsdangerous` module is installed. */
export function pythonItsdangerousAvailable(): boolean {
  if (findProgram(PYTHON) === null) return false;
  return spawnSync(PYTHON, ['-c', 'import itsdangerous'], { stdio: 'ignore' }).status === 0;
}

export interface PythonSerializerConfig {
  readonly secrets: readonly string[];
  readonly salt: string;
  readonly digest: TokenDigest;
}

export type PythonLoadResult =
  | { readonly ok: true; readonly payload: unknown; readonly signed_at: number }
  | { readonly ok: false; readonly error: string; readonly message: string };

function run(request: Record<string, unknown>): unknown {
  const result = spawnSync(PYTHON, [TOOL], { input: JSON.stringify(request), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`itsdangerous_tool.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Python mints a token (`timestamp`: the signing second, default now). */
export function pythonDumps(config: PythonSerializerConfig, payload: unknown, timestamp?: number): string {
  const answer = run({ op: 'dumps', ...config, payload, timestamp: timestamp ?? null }) as { token: string };
  return answer.token;
}

/** Python loads a token with `max_age`. */
export function pythonLoads(config: PythonSerializerConfig, token: string, maxAge: number): PythonLoadResult {
  return run({ op: 'loads', ...config, token, max_age: maxAge }) as PythonLoadResult;
}
