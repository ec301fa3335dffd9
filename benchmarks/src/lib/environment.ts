import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { postgresBinDir, redisServerProgram } from '@authbench/test-support';
import type { CpuPlan } from './cpu-plan.js';
import type { KernelCosts } from './kernel-costs.js';
import { busyReason, type CpuTimes, cpuShares, type MachineLoad } from './proc.js';
import type { PythonInfo } from './python.js';
import type { Environment } from './results.js';
import { REPO_ROOT } from './services.js';

/** Where each measured package is installed (pnpm links it into the package that depends on it). */
const PACKAGE_HOMES: readonly (readonly [string, string])[] = [
  ['autocannon', 'benchmarks'],
  ['fast-jwt', 'benchmarks'],
  ['jose', 'benchmarks'],
  ['vega', 'benchmarks'],
  ['vega-lite', 'benchmarks'],
  ['passport', 'packages/auth-jwt'],
  ['passport-jwt', 'packages/auth-jwt'],
  ['jsonwebtoken', 'packages/auth-jwt'],
  ['@nestjs/passport', 'packages/auth-jwt'],
  ['express-session', 'packages/auth-session'],
  ['connect-redis', 'packages/auth-session'],
  ['@noble/hashes', 'packages/itsdangerous'],
  ['fflate', 'packages/itsdangerous'],
  ['redis', 'packages/auth-stores'],
  ['pg', 'packages/auth-accounts'],
  ['@electric-sql/pglite', 'packages/auth-accounts'],
  ['@nestjs/core', 'apps/api'],
  ['express', 'apps/api'],
  ['pino', 'apps/api'],
];

function versionOf(name: string, home: string): string {
  try {
    const text = readFileSync(`${REPO_ROOT}${home}/node_modules/${name}/package.json`, 'utf8');
    const parsed = JSON.parse(text) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'not installed';
  }
}

function firstLine(command: string, args: readonly string[]): string | null {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) return null;
  return `${result.stdout}${result.stderr}`.trim().split('\n')[0] ?? null;
}

export function gitCommit(): string {
  const head = firstLine('git', ['-C', REPO_ROOT, 'rev-parse', '--short=12', 'HEAD']) ?? 'unknown';
  const status = spawnSync('git', ['-C', REPO_ROOT, 'status', '--porcelain'], { encoding: 'utf8' });
  return status.status === 0 && status.stdout.trim().length > 0 ? `${head}+uncommitted` : head;
}

export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

export function captureEnvironment(options: {
  readonly cpu: CpuPlan;
  readonly python: PythonInfo;
  readonly services: string;
  readonly loadAverageStart: string;
  /** `gitCommit()` taken when the run started. */
  readonly commit: string;
  /** The machine's load sampled at run start, and /proc/stat then (for the run's steal). */
  readonly machine?: {
    readonly start: MachineLoad;
    readonly timesStart: CpuTimes | null;
    readonly timesEnd: CpuTimes | null;
  };
  /** `probeKernelCostsInChild()` at run start and at run end. */
  readonly kernel?: { readonly start: KernelCosts; readonly end: KernelCosts };
}): Environment {
  const packages: Record<string, string> = {};
  for (const [name, home] of PACKAGE_HOMES) packages[name] = versionOf(name, home);
  for (const name of ['auth-core', 'auth-jwt', 'auth-session', 'auth-signed-token', 'itsdangerous']) {
    packages[`@authbench/${name}`] = versionOf(`@authbench/${name}`, 'benchmarks');
  }
  const programs: Record<string, string> = {};
  const redis = redisServerProgram();
  if (redis !== null) programs['redis-server'] = firstLine(redis, ['--version']) ?? 'unknown';
  const pgDir = postgresBinDir();
  if (pgDir !== null) programs.postgres = firstLine(`${pgDir}/postgres`, ['--version']) ?? 'unknown';
  if (options.python.available) {
    programs.python = options.python.version;
    for (const [name, version] of Object.entries(options.python.modules))
      programs[`python:${name}`] = version;
  }
  if (options.cpu.taskset !== null)
    programs.taskset = firstLine(options.cpu.taskset, ['--version']) ?? 'unknown';
  const cpuList = cpus();
  const machine = options.machine;
  const percent = (share: number) => Math.round(share * 1000) / 10;
  const reason = machine === undefined ? null : busyReason(machine.start, options.cpu.cores);
  const load: Partial<Environment> =
    machine === undefined
      ? {}
      : {
          ...(machine.start.busyShare === null
            ? {}
            : { cpuBusyPercentStart: percent(machine.start.busyShare) }),
          ...(machine.start.stealShare === null
            ? {}
            : { stealPercentStart: percent(machine.start.stealShare) }),
          ...(machine.timesStart === null || machine.timesEnd === null
            ? {}
            : { stealPercentRun: percent(cpuShares(machine.timesStart, machine.timesEnd).steal) }),
          busy: reason !== null,
          ...(reason === null ? {} : { busyReason: reason }),
        };
  return {
    date: new Date().toISOString(),
    cpu: `${cpuList[0]?.model ?? 'unknown'}${cpuList[0]?.speed ? ` @ ${cpuList[0].speed} MHz` : ''}`,
    cores: options.cpu.cores,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    v8: process.versions.v8,
    loadAverageStart: options.loadAverageStart,
    loadAverageEnd: loadAverage(),
    ...load,
    ...(options.kernel === undefined
      ? {}
      : { kernelCostsStart: options.kernel.start, kernelCostsEnd: options.kernel.end }),
    commit: options.commit,
    pinning: options.cpu.description,
    services: options.services,
    packages,
    programs,
  };
}
