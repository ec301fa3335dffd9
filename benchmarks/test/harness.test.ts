import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireProgramOrSkip } from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FAMILY_IDS, type Results, validateResults } from '../src/lib/results.js';

/**
 * Runs `cli --quick` once, exactly as `npm run bench -- --quick` does (no `--out`: a quick run
 * must pick a fresh temporary directory by itself and never touch benchmarks/results),
 * and checks the shape of what it wrote — never the speed. Families whose programs are
 * missing are skipped by the CLI; here that prints why, and fails under CI=true.
 */
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const REPO = join(PACKAGE, '..');
// Built beside dist/ (same depth, so the CLI's relative paths hold) but apart from it:
// turbo may be running this package's `build` at the same time.
const BUILD = join(PACKAGE, '.test-dist');
const API_MAIN = join(REPO, 'apps/api/dist/main.js');
// Generous: the quick run measures both HTTP platforms, the peers and the cluster, and this
// machine is a loaded 2-core VM; the test checks the shape of the results, never the speed.
const FIFTEEN_MINUTES = 15 * 60_000;

let out = '';
let exitCode: number | null = null;
let output = '';
let seconds = 0;
let servicesBefore = false;
let results: Results;
/** Hash of every file in benchmarks/results before and after the run: a quick run must not change them. */
let committedBefore = '';
let committedAfter = '';
const COMMITTED = join(PACKAGE, 'results');

function hashDirectory(dir: string): string {
  if (!existsSync(dir)) return 'absent';
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    hash.update(name);
    hash.update(readFileSync(join(dir, name)));
  }
  return hash.digest('hex');
}

beforeAll(async () => {
  if (!existsSync(API_MAIN)) {
    throw new Error(`${API_MAIN} is missing: build the repo first (npx pnpm@10.34.9 exec turbo run build)`);
  }
  const tsc = spawnSync(
    process.execPath,
    [join(PACKAGE, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD],
    {
      cwd: PACKAGE,
      encoding: 'utf8',
    },
  );
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  committedBefore = hashDirectory(COMMITTED);
  servicesBefore = existsSync(join(REPO, '.services/env'));
  const started = Date.now();
  exitCode = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [join(BUILD, 'cli.js'), '--quick'], {
      cwd: REPO,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('exit', (code) => resolve(code));
  });
  seconds = (Date.now() - started) / 1000;
  committedAfter = hashDirectory(COMMITTED);
  out = /results will be written to (\S+)/.exec(output)?.[1] ?? '';
  console.log(
    `bench --quick took ${seconds.toFixed(0)} s; exit code ${exitCode}\n${output.split('\n').slice(-14).join('\n')}`,
  );
  if (exitCode === 0) results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Results;
}, FIFTEEN_MINUTES);

afterAll(() => {
  if (out !== '') rmSync(out, { recursive: true, force: true });
  rmSync(BUILD, { recursive: true, force: true });
});

describe('npm run bench -- --quick', () => {
  it('writes into a fresh temporary directory it prints, never into benchmarks/results', () => {
    expect(out).not.toBe('');
    expect(relative(tmpdir(), out).startsWith('..')).toBe(false);
    expect(relative(COMMITTED, out).startsWith('..')).toBe(true);
    expect(committedAfter).toBe(committedBefore);
  });

  it('exits 0 after writing latest.json, latest.md and the charts', () => {
    expect({ exitCode, tail: exitCode === 0 ? '' : output.slice(-4000) }).toEqual({ exitCode: 0, tail: '' });
    for (const file of ['latest.json', 'latest.md']) expect(existsSync(join(out, file))).toBe(true);
  });

  it('writes a latest.json that validates against the documented schema', () => {
    expect(validateResults(results)).toEqual([]);
    expect(results.mode).toBe('quick');
  });

  it('runs every family whose programs are installed (CI: all of them), and none fails', () => {
    expect(Object.keys(results.families).sort()).toEqual([...FAMILY_IDS].sort());
    for (const [id, family] of Object.entries(results.families)) {
      expect({ id, status: family.status, error: family.error }).not.toMatchObject({ status: 'failed' });
      for (const missing of family.missing) {
        requireProgramOrSkip(false, `${missing.what} (benchmark family ${id})`, missing.hint);
      }
      if (family.status !== 'skipped') expect(family.caseCount).toBeGreaterThan(0);
    }
  });

  it('gives every case a stable id, numbers, an existing baseline and a finite ratio', () => {
    const ids = new Set(results.cases.map((entry) => entry.id));
    expect(ids.size).toBe(results.cases.length);
    for (const entry of results.cases) {
      expect(entry.id.startsWith(`${entry.family}/`)).toBe(true);
      expect(Object.keys(entry.numbers).length).toBeGreaterThan(0);
      expect(ids.has(entry.baselineId)).toBe(true);
      expect(Number.isFinite(entry.ratio)).toBe(true);
    }
    // Each family that ran measured its baseline in the same run.
    for (const [id, family] of Object.entries(results.families)) {
      if (family.status === 'skipped') continue;
      const own = results.cases.filter((entry) => entry.family === id);
      expect(own.some((entry) => entry.baselineId === entry.id)).toBe(true);
    }
  });

  it('reports every target with its measurement, and a profile or a reason for each missed one', () => {
    expect(results.targets.length).toBeGreaterThan(0);
    for (const target of results.targets) {
      if (target.status === 'missed') {
        const profiled =
          target.profileId !== undefined &&
          results.profiles.some((profile) => profile.id === target.profileId);
        expect(profiled || (target.note ?? '').length > 0).toBe(true);
      }
    }
  });

  it('records the environment', () => {
    const env = results.environment;
    expect(env.cores).toBeGreaterThanOrEqual(1);
    expect(env.node).toBe(process.version);
    expect(env.packages.autocannon).toMatch(/^\d+\.\d+\.\d+/);
    expect(env.packages['@authbench/itsdangerous']).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number.isNaN(Date.parse(env.date))).toBe(false);
    for (const costs of [env.kernelCostsStart, env.kernelCostsEnd]) {
      expect(costs?.syscallNs).toBeGreaterThan(0);
      expect(costs?.pageFaultUs).toBeGreaterThan(0);
    }
  });

  it('writes latest.md with the environment, the targets and a table per family that ran', () => {
    const markdown = readFileSync(join(out, 'latest.md'), 'utf8');
    expect(markdown).toContain('## Environment');
    expect(markdown).toContain('## Targets');
    for (const family of Object.values(results.families)) {
      expect(markdown).toContain(`## ${family.title}`);
    }
    const tables = markdown.split('\n').filter((line) => line.startsWith('| case |'));
    const ran = Object.values(results.families).filter((family) => family.status !== 'skipped').length;
    expect(tables.length).toBeGreaterThanOrEqual(ran);
    for (const entry of results.cases) expect(markdown).toContain(`\`${entry.id}\``);
  });

  it('renders the charts as SVG files', () => {
    expect(results.charts).toContain('verify-cost.svg');
    for (const chart of results.charts) {
      const svg = readFileSync(join(out, chart), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
      expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
    }
  });

  it('leaves no process of the run running, and stops the services it started', () => {
    if (process.platform === 'linux') {
      const marker = `AUTHBENCH_RUN_ID=${results.runId}`;
      const leftovers = readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
          } catch {
            return false;
          }
        });
      expect(leftovers).toEqual([]);
    }
    if (!servicesBefore) expect(existsSync(join(REPO, '.services/env'))).toBe(false);
  });
});
