import { readdir, readFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import type { ProfileEntry, ProfileSummary } from './results.js';

/** The parts of a V8 `.cpuprofile` the summary reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** Which package a script belongs to, from its URL. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(idle)') return '(idle)';
    return '(native / V8)';
  }
  if (url.startsWith('node:')) return 'node (built-in)';
  // In the API the only WebAssembly is PGlite's PostgreSQL engine.
  if (url.startsWith('wasm://')) return '(WebAssembly)';
  const path = url.replace(/^file:\/\//, '');
  const pnpm = /\/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (pnpm?.[1] !== undefined) return pnpm[1];
  const plain = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (plain?.[1] !== undefined) return plain[1];
  const ours = /\/(packages|apps)\/([^/]+)\//.exec(path);
  if (ours?.[2] !== undefined) return `@authbench/${ours[2]}`;
  if (path.includes('/benchmarks/')) return 'benchmarks';
  return path;
}

function shortLocation(url: string, line: number): string {
  if (url === '') return '';
  const path = url.replace(/^file:\/\//, '');
  const cut = path.lastIndexOf('/node_modules/');
  const short =
    cut >= 0 ? path.slice(cut + '/node_modules/'.length) : path.replace(/^.*\/(packages|apps)\//, '$1/');
  return `${short}:${line + 1}`;
}

/**
 * A time window in microseconds of CLOCK_MONOTONIC: V8 stamps profile samples with it, and
 * `process.hrtime` reads it too, in every process of the machine — so a window measured by
 * the benchmark selects the samples taken while it loaded the profiled server.
 */
export interface ProfileWindow {
  readonly startUs: number;
  readonly endUs: number;
}

export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Self time per function and per package, over one or more profiles (cluster workers). */
export function summarizeProfiles(
  profiles: readonly CpuProfile[],
  meta: { readonly id: string; readonly targetId: string; readonly description: string },
  window: ProfileWindow | null = null,
  top = 12,
): ProfileSummary {
  const byFunction = new Map<string, { name: string; location: string; selfUs: number }>();
  const byPackage = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    let timestamp = profile.startTime;
    const stamps = samples.map((_, index) => {
      timestamp += deltas[index] ?? 0;
      return timestamp;
    });
    samples.forEach((nodeId, index) => {
      const stamp = stamps[index] ?? 0;
      if (window !== null && (stamp < window.startUs || stamp > window.endUs)) return;
      const next = stamps[index + 1] ?? profile.endTime;
      const duration = Math.max(0, next - (stamps[index] ?? next));
      const frame = nodes.get(nodeId);
      if (frame === undefined) return;
      totalUs += duration;
      const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
      if (name === '(idle)' || name === '(root)') {
        idleUs += duration;
        return;
      }
      const location = shortLocation(frame.url, frame.lineNumber);
      const key = `${name}\u0000${location}`;
      const entry = byFunction.get(key) ?? { name, location, selfUs: 0 };
      entry.selfUs += duration;
      byFunction.set(key, entry);
      const pkg = packageOf(frame.url, name);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + duration);
    });
  }
  const busyUs = Math.max(1, totalUs - idleUs);
  const topFunctions: ProfileEntry[] = [...byFunction.values()]
    .sort((a, b) => b.selfUs - a.selfUs)
    .slice(0, top)
    .map((entry) => ({
      name: entry.name,
      location: entry.location,
      selfMs: Math.round(entry.selfUs / 100) / 10,
      percent: Math.round((entry.selfUs / busyUs) * 1000) / 10,
    }));
  const packages = [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, selfUs]) => ({
      name,
      selfMs: Math.round(selfUs / 100) / 10,
      percent: Math.round((selfUs / busyUs) * 1000) / 10,
    }));
  return {
    ...meta,
    totalMs: Math.round(totalUs / 100) / 10,
    idlePercent: totalUs === 0 ? 0 : Math.round((idleUs / totalUs) * 1000) / 10,
    topFunctions,
    byPackage: packages,
  };
}

/** Every `.cpuprofile` a profiled process (and its workers) wrote into `dir`, or only the files `only` names. */
export async function readProfiles(dir: string, only?: readonly string[]): Promise<CpuProfile[]> {
  const files = (only ?? (await readdir(dir))).filter((file) => file.endsWith('.cpuprofile'));
  return Promise.all(
    files.map(async (file) => JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile),
  );
}

/** Profiles `operation` run in a loop in this process for `ms` milliseconds (inspector, 100 µs sampling). */
export async function profileInProcess(operation: () => unknown, ms: number): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const end = Date.now() + ms;
    while (Date.now() < end) {
      for (let index = 0; index < 100; index += 1) {
        const result = operation();
        if (result instanceof Promise) await result;
      }
    }
    const { profile } = await session.post('Profiler.stop');
    return profile as unknown as CpuProfile;
  } finally {
    session.disconnect();
  }
}
