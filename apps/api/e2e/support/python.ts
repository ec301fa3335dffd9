import { spawnSync } from 'node:child_process';
import { findProgram } from '@authbench/test-support';

export const PYTHON = '/usr/bin/python3';

/** Whether /usr/bin/python3 can import every module named. */
export function pythonHas(...modules: readonly string[]): boolean {
  if (findProgram(PYTHON) === null) return false;
  return (
    spawnSync(PYTHON, ['-c', modules.map((name) => `import ${name}`).join('; ')], { stdio: 'ignore' })
      .status === 0
  );
}

/** Runs a Python snippet that reads JSON on stdin and prints one line of JSON. */
export function runPython<T>(script: string, input: unknown): T {
  const result = spawnSync(PYTHON, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
