import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const IMPORT = /(?:import|export)\s[^'";]*?from\s+'([^']+)'|import\('([^']+)'\)/g;

/** Every bare module the core's public entry reaches through its own files, statically. */
function externalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else external.add(specifier);
    }
  };
  visit(entry);
  return external;
}

describe('the core stays light', () => {
  it('reaches only @nestjs/*, express types and node built-ins from its entry', () => {
    const imports = [...externalImports(resolve(SRC, 'index.ts'))];
    expect(imports.length).toBeGreaterThan(0);
    const heavy = imports.filter((name) => /pglite|argon2|^pg$|^redis$|rate-limiter-flexible/.test(name));
    expect(heavy).toEqual([]);
    const allowed = imports.filter((name) => !/^@nestjs\/|^express$|^node:/.test(name));
    expect(allowed).toEqual([]);
  });

  it('declares no store driver or hashing library as a dependency', () => {
    const manifest = JSON.parse(readFileSync(resolve(SRC, '../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(
      Object.keys(manifest.dependencies).filter((name) => !/^@nestjs\/|^reflect-metadata$|^rxjs$/.test(name)),
    ).toEqual([]);
  });
});
