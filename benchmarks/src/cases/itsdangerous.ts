import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { URLSafeTimedSerializer } from '@authbench/itsdangerous';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { callInFreshProcess } from '../lib/fresh-process.js';
import {
  type CpuSampleOptions,
  caseFromRounds,
  type RoundContender,
  runInProcessRounds,
} from '../lib/in-process-rounds.js';
import { describeInterval } from '../lib/interval.js';
import type { RoundFigures } from '../lib/itsdangerous-child.js';
import { NodeTimedSerializer } from '../lib/node-itsdangerous.js';
import { profileInProcess, summarizeProfiles } from '../lib/profile.js';
import { missingPython, PYTHON_DIR } from '../lib/python.js';
import type { ParamValue } from '../lib/results.js';
import { median } from '../lib/stats.js';

/**
 * Question 1b: is the itsdangerous port fast? `URLSafeTimedSerializer` `loads` (with max_age)
 * and `dumps`, sha1 and sha256, on the signed token's real payload (~140-byte token), against
 * a node:crypto baseline that implements the same algorithm directly (the baseline) and
 * Python's itsdangerous, timed in the same run by a /usr/bin/python3 timeit subprocess.
 *
 * Every figure is CPU time per call, measured in `targetRounds` interleaved rounds (options.ts) (in-process-rounds.ts):
 * each round runs the three contenders once, order rotated, each in a process started afresh for
 * that round (the JavaScript ones in itsdangerous-child.ts, Python in a timeit child). The targets are
 * decided from the interval of the per-round paired ratios (results.ts `evaluateTarget`).
 */
const SALT = 'authbench.token';
const MAX_AGE = 3600;
const DIGESTS = ['sha1', 'sha256'] as const;
const OPERATIONS = ['loads', 'dumps'] as const;

interface PythonTimings {
  readonly python: string;
  readonly itsdangerous: string;
  readonly loads: number[];
  readonly dumps: number[];
  readonly loadsNumber: number;
  readonly dumpsNumber: number;
}

/**
 * glibc's heap-trim threshold for the Python child: 128 MiB instead of its 128 KiB default.
 * `zlib.compress` allocates ~270 KiB of deflate state per call; in a timeit loop that block
 * sits at the top of the heap, so glibc gives it back to the kernel on every free (`brk`) and
 * faults ~64 fresh pages in on the next call. Run 1a4b14f measured Python's `dumps` at 75 µs
 * that way, 10 µs without it, on a VM where a page fault cost ~10 µs; the loop measured the
 * allocator and the VM, not itsdangerous, and flattered the port. Python is timed at its best.
 */
export const PYTHON_MALLOC_TRIM_THRESHOLD = String(128 * 1024 * 1024);

/** The Python timing child's environment: the parent's, with the heap-trim threshold above. */
export function pythonTimingEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...parent, MALLOC_TRIM_THRESHOLD_: PYTHON_MALLOC_TRIM_THRESHOLD };
}

function runPython(ctx: RunContext, input: unknown): Promise<PythonTimings> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      ctx.python.path,
      [`${PYTHON_DIR}itsdangerous_timeit.py`],
      { timeout: 300_000, maxBuffer: 16 * 1024 * 1024, env: pythonTimingEnv(process.env) },
      (error, stdout, stderr) => {
        if (error !== null)
          reject(new Error(`python itsdangerous timing failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as PythonTimings);
      },
    );
    child.stdin?.end(JSON.stringify(input));
  });
}

const JAVASCRIPT_CHILD = fileURLToPath(new URL('../lib/itsdangerous-child.js', import.meta.url));

/**
 * One round of a JavaScript contender in a fresh process (itsdangerous-child.ts says why), on the
 * harness's own CPUs like the Python child: all three contenders start cold in their own process.
 */
function runJavaScriptRound(
  ctx: RunContext,
  request: Readonly<Record<string, unknown>>,
): Promise<RoundFigures> {
  return callInFreshProcess<RoundFigures>(
    ctx.registry,
    {
      name: `itsdangerous child (${String(request.contender)}, ${String(request.digest)})`,
      script: JAVASCRIPT_CHILD,
      cpus: null,
    },
    request,
  );
}

function caseId(digest: string, operation: string, contender: string): string {
  return `itsdangerous/${digest}/${operation}/${contender}`;
}

/**
 * One round's in-process sample, as CPU time: batches of 20× the run's sample length (100 ms in
 * full mode), because the kernel's CPU accounting is coarse (a few ms) and short batches would
 * measure its granularity; 5 batches in full mode (3 in quick), the round's figure their median.
 */
function roundSample(ctx: RunContext): CpuSampleOptions {
  return {
    warmupMs: Math.max(10, ctx.sizes.sampler.warmupMs / 5),
    batches: Math.max(3, Math.ceil(ctx.sizes.sampler.samples / 40)),
    minBatchMs: ctx.sizes.sampler.minSampleMs * 20,
  };
}

/** One round's Python timeit: a sixteenth of the run's repeats (at least 5), same repeat length. */
function roundPythonRepeats(ctx: RunContext): number {
  return Math.max(5, Math.ceil(ctx.sizes.pythonRepeats / 16));
}

export const itsdangerous: Family = {
  id: 'itsdangerous',
  title: 'itsdangerous: the port against node:crypto and Python',
  description: `URLSafeTimedSerializer loads (max_age) and dumps on the signed token payload: the TypeScript port, a node:crypto implementation of the same algorithm (baseline), and Python itsdangerous (timeit, same run, with glibc's heap trimming off so that zlib's per-call state is not faulted in afresh on every dumps). CPU µs per call, median of interleaved rounds with its 95 % interval; targets decided on the interval of the per-round paired ratios.`,
  missing: () => [],
  estimateSeconds: (ctx) => {
    const sample = roundSample(ctx);
    const inProcess = (4 * (sample.warmupMs + sample.batches * sample.minBatchMs * 1.2)) / 1000;
    const python = 2 * ctx.sizes.pythonRepeatSeconds * (roundPythonRepeats(ctx) + 1.5) + 0.4;
    return DIGESTS.length * ctx.sizes.targetRounds * (inProcess + python) + 2 * ctx.sizes.profileSeconds;
  },

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const secret = ctx.fixtures.secrets.token;
    const payload = { sub: ctx.fixtures.userId, ver: 0, jti: 'jCYdLRvi4lHbrF5WGXm8aQ' };
    const pythonMissing = missingPython(ctx.python, ['itsdangerous']);
    for (const missing of pythonMissing) scope.skipPart(missing, 'the Python itsdangerous contender');
    const withPython = pythonMissing.length === 0;
    const perRound = withPython ? 3 : 2;
    // These rounds decide the itsdangerous targets.
    const roundCount = ctx.sizes.targetRounds;
    const total = DIGESTS.length * roundCount * perRound;
    scope.note(
      `${roundCount} interleaved rounds per digest (order rotated per round, every contender in a fresh process each round); each figure is the median of the rounds with its order-statistic ${describeInterval(roundCount)}.`,
    );
    const sampleOptions = roundSample(ctx);
    let done = 0;

    for (const digest of DIGESTS) {
      const port = new URLSafeTimedSerializer(secret, { salt: SALT, signerKwargs: { digestMethod: digest } });
      const node = new NodeTimedSerializer(secret, { salt: SALT, digest });
      // The baseline must do the same work: same bytes out at the same instant.
      const frozen = 1_790_000_000;
      const portAt = new URLSafeTimedSerializer(secret, {
        salt: SALT,
        signerKwargs: { digestMethod: digest },
        now: () => frozen,
      });
      const nodeAt = new NodeTimedSerializer(secret, { salt: SALT, digest, now: () => frozen });
      if (portAt.dumps(payload) !== nodeAt.dumps(payload)) {
        throw new Error(`${digest}: the node:crypto baseline and the port disagree on dumps`);
      }
      const token = port.dumps(payload);
      if (JSON.stringify(node.loads(token, MAX_AGE)) !== JSON.stringify(payload)) {
        throw new Error(`${digest}: the node:crypto baseline cannot load the port's token`);
      }
      const tokenBytes = Buffer.byteLength(token);
      const params = (contender: string, operation: string) => ({ contender, digest, operation, tokenBytes });

      const inFreshProcess = (id: 'node-crypto' | 'port'): RoundContender => ({
        id,
        run: async () => {
          const figures = await runJavaScriptRound(ctx, {
            contender: id,
            digest,
            secret,
            salt: SALT,
            payload,
            token,
            maxAge: MAX_AGE,
            sample: sampleOptions,
          });
          return {
            [caseId(digest, 'loads', id)]: figures.loads,
            [caseId(digest, 'dumps', id)]: figures.dumps,
          };
        },
      });
      let pythonVersion = { python: '', itsdangerous: '', loadsNumber: 0, dumpsNumber: 0 };
      const contenders: RoundContender[] = [inFreshProcess('node-crypto'), inFreshProcess('port')];
      if (withPython) {
        contenders.push({
          id: 'python',
          run: async () => {
            const timings = await runPython(ctx, {
              secret,
              salt: SALT,
              digest,
              payload,
              token,
              maxAge: MAX_AGE,
              repeatSeconds: ctx.sizes.pythonRepeatSeconds,
              repeats: roundPythonRepeats(ctx),
              cpu: true,
            });
            pythonVersion = timings;
            return {
              [caseId(digest, 'loads', 'python')]: median(timings.loads) / 1000,
              [caseId(digest, 'dumps', 'python')]: median(timings.dumps) / 1000,
            };
          },
        });
      }

      const measured = await runInProcessRounds(contenders, roundCount, (contender, round) => {
        scope.step(`${digest} round ${round + 1}/${roundCount} · ${contender.id}`, done, total);
        done += 1;
      });

      const labels: Record<string, string> = {
        'node-crypto': 'node:crypto baseline',
        port: '@authbench/itsdangerous',
        python: `Python itsdangerous ${pythonVersion.itsdangerous}`,
      };
      for (const contender of contenders) {
        for (const operation of OPERATIONS) {
          const id = caseId(digest, operation, contender.id);
          const rounds = measured.get(id);
          if (rounds === undefined) continue;
          const fromRounds = caseFromRounds(rounds);
          const extra: Record<string, ParamValue> =
            contender.id === 'python'
              ? {
                  python: pythonVersion.python,
                  version: pythonVersion.itsdangerous,
                  callsPerRepeat:
                    operation === 'loads' ? pythonVersion.loadsNumber : pythonVersion.dumpsNumber,
                }
              : {};
          scope.add({
            id,
            label: `${operation} ${digest}: ${labels[contender.id]}`,
            unit: 'µs',
            better: 'lower',
            value: fromRounds.value,
            numbers: fromRounds.numbers,
            rounds: fromRounds.rounds,
            baselineId: caseId(digest, operation, 'node-crypto'),
            params: { ...params(contender.id, operation), cpuTime: true, ...extra },
          });
        }
      }

      const profileOf =
        (operation: (typeof OPERATIONS)[number]) => async (meta: { id: string; targetId: string }) =>
          summarizeProfiles(
            [
              await profileInProcess(
                operation === 'loads'
                  ? () => port.loads(token, { maxAge: MAX_AGE })
                  : () => port.dumps(payload),
                ctx.sizes.profileSeconds * 1000,
              ),
            ],
            {
              ...meta,
              description: `@authbench/itsdangerous ${operation} (${digest}) in a loop, in process`,
            },
          );
      for (const operation of OPERATIONS) {
        scope.target(
          {
            id: `itsdangerous-${operation}-${digest}-vs-python`,
            description: `itsdangerous ${operation} (${digest}) ≥ 2× Python's (CPU per call, paired rounds)`,
            caseId: caseId(digest, operation, 'port'),
            referenceId: caseId(digest, operation, 'python'),
            goal: 2,
          },
          profileOf(operation),
        );
      }
      scope.target(
        {
          id: `itsdangerous-loads-${digest}-vs-node-crypto`,
          description: `itsdangerous loads (${digest}) ≥ 0.8× the node:crypto baseline (CPU per call, paired rounds)`,
          caseId: caseId(digest, 'loads', 'port'),
          referenceId: caseId(digest, 'loads', 'node-crypto'),
          goal: 0.8,
        },
        profileOf('loads'),
      );
    }
  },
};
