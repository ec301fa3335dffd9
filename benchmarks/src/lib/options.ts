import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SamplerOptions } from './sampler.js';

/** `benchmarks/results`, next to `dist/` (and `src/`). */
export const DEFAULT_OUT_DIR = fileURLToPath(new URL('../../results', import.meta.url));

export interface CliOptions {
  readonly quick: boolean;
  /** Family id patterns (substring, case-insensitive); empty = every family. */
  readonly only: readonly string[];
  /** Where the results go; null = not given (full: benchmarks/results; quick: a fresh temporary directory). */
  readonly out: string | null;
  readonly help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: npm run bench -- [--quick] [--only <pattern>[,<pattern>…]] [--out <dir>]

  --quick          every case briefly (about 2–3 minutes): proves the harness, not the numbers
  --only <pattern> only the families whose id contains the pattern (repeatable, or comma-separated),
                   e.g. --only http, --only verify-cost,itsdangerous
  --out <dir>      where latest.json, latest.md and the SVG charts go (default: benchmarks/results;
                   with --quick, a fresh temporary directory: a quick run never overwrites the
                   committed full results)
  --help           this text`;

export function parseArgs(argv: readonly string[]): CliOptions {
  let quick = false;
  let help = false;
  let out: string | null = null;
  const only: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      index += 1;
      return next;
    };
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--only':
        only.push(
          ...value()
            .split(',')
            .map((pattern) => pattern.trim().toLowerCase())
            .filter((pattern) => pattern.length > 0),
        );
        break;
      case '--out': {
        const dir = value();
        out = isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
        break;
      }
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new UsageError(`unknown argument: ${arg}`);
    }
  }
  return { quick, only, out, help };
}

/**
 * The directory a run writes to: `--out` when given; otherwise benchmarks/results for a full run
 * and a fresh temporary directory for a quick one, whose numbers must never replace the
 * committed full results.
 */
export function outputDirectory(options: Pick<CliOptions, 'quick' | 'out'>): string {
  if (options.out !== null) return options.out;
  return options.quick ? mkdtempSync(join(tmpdir(), 'authbench-quick-')) : DEFAULT_OUT_DIR;
}

/** How long and how much each kind of measurement runs, per mode. */
export interface ModeSizes {
  readonly mode: 'quick' | 'full';
  readonly sampler: SamplerOptions;
  /** autocannon: a warm-up run, then the measured run, per case. */
  readonly load: { readonly warmupSec: number; readonly durationSec: number; readonly connections: number };
  /**
   * HTTP throughput in interleaved rounds: every route of a configuration once per round, order
   * rotated. Each run has a warm-up (the first round's is longer) and a measured window.
   */
  readonly httpRounds: {
    readonly count: number;
    readonly durationSec: number;
    readonly firstWarmupSec: number;
    readonly warmupSec: number;
  };
  /**
   * Rounds of every comparison that decides a target: the HTTP configurations whose cases feed
   * targets, the itsdangerous contenders and the tutorial peer. More than `httpRounds.count`,
   * so that one bad round cannot decide (or undecide) a target on its own.
   */
  readonly targetRounds: number;
  /** Active logins at which server state is measured. */
  readonly stateSizes: readonly number[];
  /** Authenticated requests over which store look-ups are counted. */
  readonly lookupRequests: number;
  /** Logout → rejection measurements per strategy. */
  readonly revocationRepeats: number;
  /** JWT_TTL of the stateless pair, so "until exp" is observed within the run. */
  readonly statelessJwtTtlSeconds: number;
  /** Python timeit: calls per repeat are calibrated to last about this long. */
  readonly pythonRepeatSeconds: number;
  readonly pythonRepeats: number;
  /** CPU profile of a missed target: load (or loop) time, and how many profiles at most. */
  readonly profileSeconds: number;
  readonly profileBudget: number;
  /** The trade-off families (revocation-scale, refresh, login-cost, many-credentials). */
  readonly tradeoffs: TradeoffSizes;
}

/** Sizes of the trade-off families: in-process, interleaved rounds (lib/interleaved.ts). */
export interface TradeoffSizes {
  /** Interleaved rounds per comparison (6: the fewest whose [min, max] covers the median ≥ 95 %). */
  readonly rounds: number;
  /** One contender's sample within a round. */
  readonly sampler: SamplerOptions;
  /** Revoked credentials held by the denylist at each measured point. */
  readonly revokedSizes: readonly number[];
  /** Logins (refresh families, sessions, tokens) the user holds before a logout-all. */
  readonly logoutAllLogins: readonly number[];
  /** Logout-alls timed per round and size (each after its logins). */
  readonly logoutAllRepeats: number;
  /** Password logins timed per strategy and round; Argon2id hashes per round. */
  readonly logins: number;
  /** Distinct valid credentials, and the users they belong to, for many-credentials. */
  readonly credentials: number;
  readonly credentialUsers: number;
}

export function sizesFor(quick: boolean): ModeSizes {
  return quick
    ? {
        mode: 'quick',
        sampler: { warmupMs: 60, samples: 25, minSampleMs: 2 },
        load: { warmupSec: 0.4, durationSec: 1.2, connections: 10 },
        httpRounds: { count: 2, durationSec: 0.8, firstWarmupSec: 0.4, warmupSec: 0.2 },
        targetRounds: 2,
        stateSizes: [1_000],
        lookupRequests: 50,
        revocationRepeats: 2,
        statelessJwtTtlSeconds: 2,
        pythonRepeatSeconds: 0.05,
        pythonRepeats: 15,
        profileSeconds: 1.5,
        profileBudget: 1,
        tradeoffs: {
          rounds: 2,
          sampler: { warmupMs: 10, samples: 3, minSampleMs: 1 },
          revokedSizes: [0, 1_000],
          logoutAllLogins: [1, 20],
          logoutAllRepeats: 1,
          logins: 1,
          credentials: 400,
          credentialUsers: 40,
        },
      }
    : {
        mode: 'full',
        sampler: { warmupMs: 1_000, samples: 200, minSampleMs: 5 },
        load: { warmupSec: 3, durationSec: 10, connections: 10 },
        // 6 rounds where no target is decided: the smallest count whose [min, max] covers the
        // median with ≥ 95 %. 1 s
        // windows keep the HTTP family (41 routes: both platforms, peers, cluster) near 10
        // minutes and the whole run within its 30 (budget.ts; 1.5 s windows made a 33.7-minute
        // run); CPU per request needs far fewer requests than a stable req/s does (≈ 100 ticks
        // of /proc and thousands of requests per window), and the paired rounds, not long
        // windows, are what absorb the machine's drift. The API has served the credential checks
        // and earlier families by then, so 0.5 s warms a route's own path.
        httpRounds: { count: 6, durationSec: 1, firstWarmupSec: 0.5, warmupSec: 0.25 },
        // 9 rounds where a target is decided: the fewest whose ≥ 95 % interval of the median is
        // [2nd, 8th] (96.1 %) rather than [min, max], so the single worst and best rounds of a
        // comparison no longer make its target inconclusive (6 rounds did: express session
        // 0.995–1.48 with one bad round). About 3 more minutes than 6 (budget.ts).
        targetRounds: 9,
        // 30k rather than 100k: per-login bytes moved < 10 % from 10k to 100k in an earlier full
        // run, and every further 10k logins costs the run's budget ~15 s per strategy and store.
        stateSizes: [1_000, 10_000, 30_000],
        lookupRequests: 1_000,
        revocationRepeats: 10,
        statelessJwtTtlSeconds: 5,
        pythonRepeatSeconds: 0.2,
        pythonRepeats: 100,
        // A missed target's profile: 2.5 s of samples is thousands of requests, enough to rank.
        profileSeconds: 2.5,
        profileBudget: 20,
        tradeoffs: {
          rounds: 6,
          sampler: { warmupMs: 150, samples: 15, minSampleMs: 5 },
          revokedSizes: [0, 1_000, 100_000, 1_000_000],
          logoutAllLogins: [1, 100],
          logoutAllRepeats: 8,
          logins: 4,
          credentials: 10_000,
          credentialUsers: 1_000,
        },
      };
}
