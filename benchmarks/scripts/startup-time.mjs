// Where `npm start` spends its time, from the command to the first `GET /health` 200 (issue #15).
// Not a test: run by hand after a build (the start command's own turbo run is then all cached):
//   node benchmarks/scripts/startup-time.mjs [--runs 5] [--data fresh|kept|both] [--command 'npm start']
// `fresh`: every start gets a new, empty DATA_DIR (a first start on this machine);
// `kept`: every start reuses one DATA_DIR initialised by an unmeasured start (every later start).
// Each phase is a difference of wall-clock timestamps: the lines start.sh prints as it moves on
// (read as they arrive), and the `authbench:*` performance marks the API makes (written to a
// file by the startup-marks.mjs preload). Wall time on a shared 2-core machine: indicative, so
// the report is the median with its min–max over the runs, per phase, after what the kernel
// costs at the start and the end (the benchmark's probe, when the benchmarks package is built).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    data: { type: 'string', default: 'both' },
    command: { type: 'string', default: 'npm start' },
    timeout: { type: 'string', default: '120' },
  },
});
const RUNS = Number(options.runs);
const TIMEOUT_MS = Number(options.timeout) * 1000;

/** The phases, each from one event to the next; an event that did not happen is skipped. */
const PHASES = [
  ['npm run', 'spawn', 'npm-script'],
  ['bash, node version, install check', 'npm-script', 'install-done'],
  ['turbo build (cached)', 'build', 'build-done'],
  ['exec → node process', 'exec', 'process'],
  ['node boot', 'process', 'preload'],
  ['module loading', 'preload', 'authbench:main'],
  ['config', 'authbench:main', 'authbench:app-creating'],
  ['start-up logger + secrets', 'authbench:app-creating', 'authbench:secrets'],
  ['(infrastructure set-up)', 'authbench:secrets', 'authbench:users-opening'],
  ['users store: PGlite open', 'authbench:users-opening', 'authbench:users-engine-open'],
  ['users store: migrations', 'authbench:users-engine-open', 'authbench:users-open'],
  ['strategies + Nest bootstrap', 'authbench:users-open', 'authbench:app-created'],
  ['listen', 'authbench:app-created', 'authbench:listening'],
  ['first /health 200', 'authbench:listening', 'health'],
];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function healthStatus(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.setTimeout(2_000, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** start.sh's lines that mark a phase boundary, by their start. */
function eventOfLine(line) {
  if (/^> bash /.test(line)) return 'npm-script'; // npm's echo of the script it runs
  if (/^installing dependencies.*(done in|skipped|up to date)/.test(line)) return 'install-done';
  if (/^building the API.*done in/.test(line)) return 'build-done';
  if (/^building the API/.test(line)) return 'build';
  if (/^starting the API/.test(line)) return 'exec';
  return undefined;
}

async function startOnce(dataDir) {
  const port = await freePort();
  const marksFile = join(mkdtempSync(join(tmpdir(), 'authbench-marks-')), 'marks.jsonl');
  writeFileSync(marksFile, '');
  const preload = pathToFileURL(join(HERE, 'startup-marks.mjs')).href;
  const events = { spawn: Date.now() };
  const child = spawn('bash', ['-c', options.command], {
    cwd: ROOT,
    detached: true, // its own process group: npm, bash and node are stopped together
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      AUTHBENCH_STARTUP_MARKS: marksFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(),
    },
  });
  let output = '';
  let pending = '';
  child.stdout.on('data', (chunk) => {
    const at = Date.now();
    output += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const event = eventOfLine(line);
      if (event !== undefined && events[event] === undefined) events[event] = at;
    }
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  try {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      if (exited) throw new Error(`the start command exited before /health answered:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no /health 200 within ${TIMEOUT_MS} ms:\n${output}`);
      if ((await healthStatus(port)) === 200) break;
      await sleep(20);
    }
    events.health = Date.now();
  } finally {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    if (!exited) await new Promise((resolve) => child.once('exit', resolve));
  }
  await sleep(200); // the marks observer writes asynchronously
  for (const line of readFileSync(marksFile, 'utf8').split('\n')) {
    if (line === '') continue;
    const mark = JSON.parse(line);
    if (events[mark.name] === undefined) events[mark.name] = mark.at;
  }
  rmSync(dirname(marksFile), { recursive: true, force: true });
  return events;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summary(values) {
  if (values.length === 0) return '—';
  const ms = (value) => `${Math.round(value)}`;
  return `${ms(median(values))} (${ms(Math.min(...values))}–${ms(Math.max(...values))})`;
}

function report(label, runs) {
  const rows = [];
  for (const [name, from, to] of PHASES) {
    const values = runs
      .filter((run) => run[from] !== undefined && run[to] !== undefined)
      .map((run) => run[to] - run[from]);
    if (values.length > 0) rows.push([name, summary(values)]);
  }
  rows.push(['**total: command → /health 200**', summary(runs.map((run) => run.health - run.spawn))]);
  const build = runs.filter((run) => run['build-done'] !== undefined);
  if (build.length > 0)
    rows.push([
      '**build finished → /health 200**',
      summary(build.map((run) => run.health - run['build-done'])),
    ]);
  console.log(`\n${label}: ${runs.length} starts, ms, median (min–max)\n`);
  console.log('| phase | ms |\n|---|---:|');
  for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
}

async function measure(kind, dataDir, index) {
  const events = await startOnce(dataDir);
  process.stderr.write(`${kind} ${index + 1}/${RUNS}: ${events.health - events.spawn} ms\n`);
  return events;
}

const BUILT_LIB = join(HERE, '..', 'dist', 'lib');

/**
 * What a system call and a page fault cost now, by the benchmark's own probe (a fresh process),
 * in the report's own words: on this VM, a day when they were slow made the same start-ups
 * 30–40 % slower, so a reading says them.
 */
async function kernelCosts() {
  const probe = join(BUILT_LIB, 'kernel-costs.js');
  const reading = join(BUILT_LIB, 'reading.js');
  if (!existsSync(probe) || !existsSync(reading))
    return 'not measured (build the benchmarks package for the probe)';
  const { probeKernelCostsInChild } = await import(pathToFileURL(probe).href);
  const { kernelCosts: describeKernelCosts } = await import(pathToFileURL(reading).href);
  return describeKernelCosts(probeKernelCostsInChild());
}

const kernelAtStart = await kernelCosts();
// Interleaved, fresh then kept, so that a burst of load from the machine's other users hits both.
const kinds = options.data === 'both' ? ['fresh', 'kept'] : [options.data];
const results = { fresh: [], kept: [] };
const keptDir = kinds.includes('kept') ? mkdtempSync(join(tmpdir(), 'authbench-startup-kept-')) : undefined;
try {
  if (keptDir !== undefined) await startOnce(keptDir); // initialises the kept data dir; not measured
  for (let index = 0; index < RUNS; index += 1) {
    if (kinds.includes('fresh')) {
      const parent = mkdtempSync(join(tmpdir(), 'authbench-startup-fresh-'));
      try {
        results.fresh.push(await measure('fresh', join(parent, 'data'), index));
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    }
    if (keptDir !== undefined) results.kept.push(await measure('kept', keptDir, index));
  }
} finally {
  if (keptDir !== undefined) rmSync(keptDir, { recursive: true, force: true });
}
const kernelAtEnd = await kernelCosts();
console.log(
  `\nmachine: ${kernelAtStart} at the start; ${kernelAtEnd} at the end (compare readings only when these are alike)`,
);
if (results.fresh.length > 0) report('first start (empty DATA_DIR)', results.fresh);
if (results.kept.length > 0) report('later start (DATA_DIR kept)', results.kept);
