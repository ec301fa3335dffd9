import { execFile } from 'node:child_process';
import { URLSafeTimedSerializer } from '@authbench/itsdangerous';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { NodeTimedSerializer } from '../lib/node-itsdangerous.js';
import { profileInProcess, summarizeProfiles } from '../lib/profile.js';
import { missingPython, PYTHON_DIR } from '../lib/python.js';
import { microseconds, sample, sampleSeconds } from '../lib/sampler.js';
import { summarize } from '../lib/stats.js';

/**
 * Question 1b: is the itsdangerous port fast? `URLSafeTimedSerializer` `loads` (with max_age)
 * and `dumps`, sha1 and sha256, on the signed token's real payload (~140-byte token), against
 * a node:crypto baseline that implements the same algorithm directly (the baseline) and
 * Python's itsdangerous, timed in the same run by a /usr/bin/python3 timeit subprocess.
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

function runPython(ctx: RunContext, input: unknown): Promise<PythonTimings> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      ctx.python.path,
      [`${PYTHON_DIR}itsdangerous_timeit.py`],
      { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null)
          reject(new Error(`python itsdangerous timing failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as PythonTimings);
      },
    );
    child.stdin?.end(JSON.stringify(input));
  });
}

function caseId(digest: string, operation: string, contender: string): string {
  return `itsdangerous/${digest}/${operation}/${contender}`;
}

export const itsdangerous: Family = {
  id: 'itsdangerous',
  title: 'itsdangerous: the port against node:crypto and Python',
  description:
    'URLSafeTimedSerializer loads (max_age) and dumps on the signed token payload: the TypeScript port, a node:crypto implementation of the same algorithm (baseline), and Python itsdangerous (timeit, same run). Median µs per call.',
  missing: () => [],
  estimateSeconds: (ctx) =>
    8 * sampleSeconds(ctx.sizes.sampler) +
    4 * (ctx.sizes.pythonRepeats * ctx.sizes.pythonRepeatSeconds * 1.3 + 0.5),

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const secret = ctx.fixtures.secrets.token;
    const payload = { sub: ctx.fixtures.userId, ver: 0, jti: 'jCYdLRvi4lHbrF5WGXm8aQ' };
    const pythonMissing = missingPython(ctx.python, ['itsdangerous']);
    for (const missing of pythonMissing) scope.skipPart(missing, 'the Python itsdangerous contender');
    const total = DIGESTS.length * (OPERATIONS.length * 2 + (pythonMissing.length === 0 ? 1 : 0));
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

      const contenders = {
        'node-crypto': { loads: () => node.loads(token, MAX_AGE), dumps: () => node.dumps(payload) },
        port: { loads: () => port.loads(token, { maxAge: MAX_AGE }), dumps: () => port.dumps(payload) },
      } as const;
      for (const operation of OPERATIONS) {
        for (const contender of ['node-crypto', 'port'] as const) {
          scope.step(`${digest} ${operation} · ${contender}`, done, total);
          const stats = await sample(contenders[contender][operation], ctx.sizes.sampler);
          done += 1;
          scope.add({
            id: caseId(digest, operation, contender),
            label: `${operation} ${digest}: ${contender === 'port' ? '@authbench/itsdangerous' : 'node:crypto baseline'}`,
            unit: 'µs',
            better: 'lower',
            value: stats.medianNs / 1000,
            numbers: microseconds(stats),
            baselineId: caseId(digest, operation, 'node-crypto'),
            params: params(contender, operation),
          });
        }
      }

      if (pythonMissing.length === 0) {
        scope.step(`${digest} · Python itsdangerous (timeit)`, done, total);
        const timings = await runPython(ctx, {
          secret,
          salt: SALT,
          digest,
          payload,
          token,
          maxAge: MAX_AGE,
          repeatSeconds: ctx.sizes.pythonRepeatSeconds,
          repeats: ctx.sizes.pythonRepeats,
        });
        done += 1;
        for (const operation of OPERATIONS) {
          const summary = summarize(timings[operation]);
          scope.add({
            id: caseId(digest, operation, 'python'),
            label: `${operation} ${digest}: Python itsdangerous ${timings.itsdangerous}`,
            unit: 'µs',
            better: 'lower',
            value: summary.median / 1000,
            numbers: {
              median: summary.median / 1000,
              p10: summary.p10 / 1000,
              p90: summary.p90 / 1000,
              mean: summary.mean / 1000,
              min: summary.min / 1000,
              samples: summary.count,
              opsPerSample: operation === 'loads' ? timings.loadsNumber : timings.dumpsNumber,
            },
            baselineId: caseId(digest, operation, 'node-crypto'),
            params: { ...params('python', operation), python: timings.python, version: timings.itsdangerous },
          });
        }
      }

      const profileLoads = async (meta: { id: string; targetId: string }) =>
        summarizeProfiles(
          [
            await profileInProcess(
              () => port.loads(token, { maxAge: MAX_AGE }),
              ctx.sizes.profileSeconds * 1000,
            ),
          ],
          { ...meta, description: `@authbench/itsdangerous loads (${digest}) in a loop, in process` },
        );
      scope.target(
        {
          id: `itsdangerous-loads-${digest}-vs-python`,
          description: `itsdangerous loads (${digest}) ≥ 1.5× Python's`,
          caseId: caseId(digest, 'loads', 'port'),
          referenceId: caseId(digest, 'loads', 'python'),
          goal: 1.5,
        },
        profileLoads,
      );
      scope.target(
        {
          id: `itsdangerous-loads-${digest}-vs-node-crypto`,
          description: `itsdangerous loads (${digest}) ≥ 0.8× the node:crypto baseline`,
          caseId: caseId(digest, 'loads', 'port'),
          referenceId: caseId(digest, 'loads', 'node-crypto'),
          goal: 0.8,
        },
        profileLoads,
      );
    }
  },
};
