import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findProgram } from '@authbench/test-support';
import type { Missing } from './results.js';

/** benchmarks/python: the timeit driver and the tutorial Flask apps. */
export const PYTHON_DIR = fileURLToPath(new URL('../../python/', import.meta.url));

/** Debian's interpreter, where apt installs python3-flask, -itsdangerous, -jwt and gunicorn. */
export const PYTHON = process.env.AUTHBENCH_PYTHON ?? '/usr/bin/python3';

/** Distribution name → import name, for the modules the Python families use. */
const MODULES = { itsdangerous: 'itsdangerous', PyJWT: 'jwt', Flask: 'flask', gunicorn: 'gunicorn' } as const;
export type PythonModule = keyof typeof MODULES;

const APT: Readonly<Record<PythonModule, string>> = {
  itsdangerous: 'python3-itsdangerous',
  PyJWT: 'python3-jwt',
  Flask: 'python3-flask',
  gunicorn: 'gunicorn',
};

export interface PythonInfo {
  readonly available: boolean;
  readonly path: string;
  readonly version: string;
  /** Installed modules and their versions. */
  readonly modules: Readonly<Partial<Record<PythonModule, string>>>;
}

const PROBE = `
import json, sys, importlib, importlib.metadata as md
found = {}
for dist, module in ${JSON.stringify(MODULES)}.items():
    try:
        importlib.import_module(module)
        found[dist] = md.version(dist)
    except Exception:
        pass
print(json.dumps({"version": sys.version.split()[0], "modules": found}))
`;

export function probePython(): PythonInfo {
  if (findProgram(PYTHON) === null) return { available: false, path: PYTHON, version: '', modules: {} };
  const result = spawnSync(PYTHON, ['-c', PROBE], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) return { available: false, path: PYTHON, version: '', modules: {} };
  const parsed = JSON.parse(result.stdout) as { version: string; modules: Record<string, string> };
  return { available: true, path: PYTHON, version: `Python ${parsed.version}`, modules: parsed.modules };
}

/** What is missing for a family that needs these modules, or an empty list. */
export function missingPython(info: PythonInfo, needed: readonly PythonModule[]): Missing[] {
  if (!info.available) {
    return [
      { what: `${PYTHON}`, hint: `apt-get install python3 ${needed.map((name) => APT[name]).join(' ')}` },
    ];
  }
  const absent = needed.filter((name) => info.modules[name] === undefined);
  return absent.length === 0
    ? []
    : [
        {
          what: `${absent.join(', ')} for ${PYTHON}`,
          hint: `apt-get install ${absent.map((name) => APT[name]).join(' ')}`,
        },
      ];
}
