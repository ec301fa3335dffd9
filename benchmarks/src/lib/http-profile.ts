import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stopForProfile } from './api-process.js';
import type { RunContext } from './context.js';
import type { StrategyName } from './http.js';
import { monotonicUs, type ProfileWindow, readProfiles, summarizeProfiles } from './profile.js';
import type { ProfileSummary } from './results.js';

/**
 * Where an API process spends its time on one route under the benchmark's load: a fresh API
 * of the same configuration started with `--cpu-prof` (every worker writes its own profile),
 * loaded for `profileSeconds`, then stopped so the profiles are written, and summarised.
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
    try {
      const headers = strategy === null ? {} : (await api.credential(strategy)).headers;
      const spec = { url: `${api.baseUrl}${path}`, headers };
      // Warm-up (JIT, connections) outside the window; only the measured load is summarised.
      await ctx.loadgen.run(spec, { durationSec: ctx.sizes.load.warmupSec, warmupSec: 0 });
      const startUs = monotonicUs();
      await ctx.loadgen.run(spec, { durationSec: ctx.sizes.profileSeconds, warmupSec: 0 });
      window = { startUs, endUs: monotonicUs() };
    } finally {
      await stopForProfile(api);
    }
    const profiles = await readProfiles(dir);
    if (profiles.length === 0) throw new Error('the profiled API wrote no .cpuprofile');
    return summarizeProfiles(
      profiles,
      {
        ...meta,
        description: `API ${configKey}, GET ${path} under load for ${ctx.sizes.profileSeconds} s (--cpu-prof, ${profiles.length} process${profiles.length === 1 ? '' : 'es'}; samples outside the load window excluded)`,
      },
      window,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
