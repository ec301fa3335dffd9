import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { URLSafeTimedSerializer } from '../src/index.js';
import { activeBackend } from '../src/lib/backend.js';

describe('backend selection', () => {
  it('runs the suite on the backend the run asked for', () => {
    // Fails if the setup file did not install the Node backend (or installed it when not asked).
    expect(activeBackend().name).toBe(process.env.ITSDANGEROUS_BACKEND === 'node' ? 'node' : 'pure-js');
  });

  it("a compressible payload goes through the active backend's deflate and back", () => {
    // Byte-compatibility with Python is the vectors' job; this pins that compression happens.
    const s = new URLSafeTimedSerializer('secret-key', {
      salt: 's',
      signerKwargs: { digestMethod: 'sha256' },
      now: () => 1_790_000_000,
    });
    const token = s.dumps({ a: 'x'.repeat(100) });
    expect(token.startsWith('.')).toBe(true);
    expect(s.loads(token, { maxAge: 10 })).toEqual({ a: 'x'.repeat(100) });
  });
});

describe('the browser entries', () => {
  const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

  /** Every module reachable from `entry` through static imports, as specifiers. */
  function reachable(entry: string): Set<string> {
    const seen = new Set<string>();
    const specifiers = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
        const specifier = match[1] as string;
        specifiers.add(specifier);
        if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      }
    };
    visit(join(srcDir, entry));
    return specifiers;
  }

  it.each(['index.ts', 'legacy.ts'])('%s imports no node: module', (entry) => {
    const imported = [...reachable(entry)];
    expect(imported.length).toBeGreaterThan(3);
    expect(imported.filter((specifier) => specifier.startsWith('node:'))).toEqual([]);
  });

  it('the Node entry does import node:zlib (the walk sees it)', () => {
    expect(reachable('index.node.ts').has('node:zlib')).toBe(true);
  });
});
