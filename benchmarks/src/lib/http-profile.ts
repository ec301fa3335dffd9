import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stopForProfile } from './api-process.js';
import type { RunContext } from './context.js';
import type { StrategyName } from './http.js';
import { monotonicUs, type ProfileWindow, readProfiles, summarizeProfiles } from './profile.js';
import type { ProfileSummary } from './results.js';

/** The pid in a V8 profile's file name: `CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile`. */
export function profilePid(file: string): number | null {
  const match = /^CPU\.\d+\.\d+\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(file);
  return match === null ? null : Number(match[1]);
}

/**
 * The profiles of the processes that served the requests, and what to call them. With one
 * worker that is the API's only process. With several (node:cluster), the workers: the primary
 * only hands each accepted connection to a worker, so under keep-alive load its profile is
 * idle and would drown the workers' (profiling it alone reported 99.9 % idle). No worker
 * profile is an error, not an idle summary.
 */
export function servingProfiles(
  files: readonly string[],
  primaryPid: number,
  workerPids: readonly number[],
): { files: string[]; processes: string } {
  const profiles = files.filter((file) => profilePid(file) !== null);
  if (workerPids.length === 0) {
    const own = profiles.filter((file) => profilePid(file) === primaryPid);
    if (own.length === 0) throw new Error(`the profiled API (pid ${primaryPid}) wrote no .cpuprofile`);
    return { files: own, processes: 'its one process' };
  }
  const served = profiles.filter((file) => workerPids.includes(profilePid(file) ?? -1));
  if (served.length === 0)
    throw new Error(`no worker of the profiled API (pids ${workerPids.join(', ')}) wrote a .cpuprofile`);
  return {
    files: served,
    processes: `${served.length} of its ${workerPids.length} workers (the cluster primary, which only hands connections to them, left out)`,
  };
}

/**
 * Where an API process spends its time on one route under the benchmark's load: a fresh API
 * of the same configuration started with `--cpu-prof` (every process writes its own profile),
 * loaded for `profileSeconds`, then stopped so the profiles are written; the profiles of the
 * processes that served the load are summarised (servingProfiles).
 */
export async function profileHttpRoute(
  ctx: RunContext,
  meta: { readonly id: string; readonly targetId: string },
  configKey: string,
  path: string,
  strategy: StrategyName | null,
): Promise<ProfileSummary> {
  const dir = await mkdtemp(join(ctx.tmpDir, 'profile-'));
  try {
    const api = await ctx.apis.startProfiled(configKey, dir);
    let window: ProfileWindow | null = null;
    let workers: number[] = [];
    try {
      const headers = strategy === null ? {} : (await api.credential(strategy)).headers;
      const spec = { url: `${api.baseUrl}${path}`, headers };
      // Warm-up (JIT, connections) outside the window; only the measured load is summarised.
      await ctx.loadgen.run(spec, { durationSec: ctx.sizes.load.warmupSec, warmupSec: 0 });
      const startUs = monotonicUs();
      await ctx.loadgen.run(spec, { durationSec: ctx.sizes.profileSeconds, warmupSec: 0 });
      window = { startUs, endUs: monotonicUs() };
    } finally {
      workers = await stopForProfile(api);
    }
    const choice = servingProfiles(await readdir(dir), api.process.pid, workers);
    const profiles = await readProfiles(dir, choice.files);
    return summarizeProfiles(
      profiles,
      {
        ...meta,
        description: `API ${configKey}, GET ${path} under load for ${ctx.sizes.profileSeconds} s (--cpu-prof of ${choice.processes}; samples outside the load window excluded)`,
      },
      window,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
