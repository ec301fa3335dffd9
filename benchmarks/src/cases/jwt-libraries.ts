import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { authenticateRequest } from '@authbench/auth-core';
import { createPassportJwtBaseline, generateDevKeyPair, type JwtAlgorithm } from '@authbench/auth-jwt';
import { createVerifier } from 'fast-jwt';
import { importSPKI, jwtVerify } from 'jose';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { roundFigures, roundNumbers, sampleInRounds } from '../lib/interleaved.js';
import { expectOutcome, sampleSeconds } from '../lib/sampler.js';
import { round } from '../lib/stats.js';
import { buildStrategy, issueCredential, MapUsers } from '../lib/strategies.js';

/**
 * Question 1c: what does the JWT path cost, by library? One access token minted by the
 * strategy, verified by: the strategy's `verify` (what the guard runs once the bearer parser
 * has read the header), the whole request path (`credentialOf` + `verify`), plain passport-jwt given the
 * secret as a string (the tutorials' setup: jsonwebtoken imports the key on every call) and
 * given a KeyObject, and jose and fast-jwt as references. Baseline: fast-jwt, a lean synchronous
 * verifier on node:crypto. jose runs on WebCrypto, which Node executes on the libuv threadpool:
 * each verify posts a job to a worker thread and waits to be woken, so its wall time per call is
 * mostly two thread hand-offs, as long as the machine's scheduler makes them (JOSE_NOTE).
 */
const JOSE_NOTE =
  "jwt-libraries: jose's figure is wall time per verify, and jose verifies through WebCrypto, which Node runs as a job on the libuv threadpool: every call is a hand-off to a worker thread and a wake-up back, so its wall figure includes two thread wake-ups and moves with the machine's load (the same HS256 verify: 76 µs and 270 µs in two full runs, 2.3 ms and 15 ms in quick runs at a load average of 15–19), while its CPU per call (every thread, the worker's included: an upper bound) is what the next note and each case's cpuUs give for this run. The other libraries are synchronous on node:crypto. authbench does not use jose: it is a reference, and its row is not a cost of the product.";
const ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'RS256', 'ES256'];

const LIBRARIES = [
  ['fast-jwt', 'fast-jwt createVerifier'],
  ['jose', 'jose jwtVerify (CryptoKey imported once; WebCrypto: a threadpool round trip per verify)'],
  ['passport-jwt-string', 'passport-jwt, secretOrKey as a string (common setup)'],
  ['passport-jwt-keyobject', 'passport-jwt, KeyObject'],
  ['authbench-passport', 'authbench strategy, the guard path (bearer parser, then verify via passport-jwt)'],
  ['authbench', 'authbench strategy, verify (passport-jwt; the header already read)'],
] as const;

type Library = (typeof LIBRARIES)[number][0];

export const jwtLibraries: Family = {
  id: 'jwt-libraries',
  title: 'JWT verification by library',
  description:
    'One access token verified by fast-jwt (baseline), jose, passport-jwt with a string secret (the common setup) and with a KeyObject, and the authbench strategy (its verify, and the whole request path with the bearer parser); HS256, RS256, ES256. Median µs per verification over interleaved rounds (full GC before each sample) with its 95 % interval, no store look-up (JWT_REVOCATION=none).',
  missing: () => [],
  estimateSeconds: (ctx) =>
    ALGORITHMS.length *
      LIBRARIES.length *
      ctx.sizes.tradeoffs.rounds *
      (sampleSeconds(ctx.sizes.tradeoffs.sampler) + 0.02) +
    2,

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const { fixtures } = ctx;
    const user = { id: fixtures.userId, username: fixtures.username, tokenVersion: 0 };
    const users = new MapUsers();
    users.add(user.id, user.username);
    const { rounds, sampler } = ctx.sizes.tradeoffs;
    const total = ALGORITHMS.length * rounds;
    let done = 0;
    const joseReadings: string[] = [];
    for (const algorithm of ALGORITHMS) {
      const symmetric = algorithm.startsWith('HS');
      const keys = symmetric ? undefined : generateDevKeyPair(algorithm);
      // The app's JWT strategy, configured as the stateless API config runs it.
      const env: Record<string, string> = {
        JWT_ALG: algorithm,
        JWT_REVOCATION: 'none',
        ...(keys === undefined
          ? {}
          : { JWT_PRIVATE_KEY: keys.privateKeyPem, JWT_PUBLIC_KEY: keys.publicKeyPem }),
      };
      const strategy = await buildStrategy(fixtures, 'jwt', { users, redis: null }, { env }, (message) =>
        scope.note(message),
      );
      const token = (await issueCredential(strategy, user)).credential;
      const keyText = symmetric ? fixtures.secrets.jwt : (keys?.publicKeyPem ?? '');
      const keyObject: KeyObject = symmetric
        ? createSecretKey(Buffer.from(keyText, 'utf8'))
        : createPublicKey(keyText);
      // jose works on WebCrypto: give it a CryptoKey imported once, its fastest form.
      const joseKey = symmetric
        ? await crypto.subtle.importKey(
            'raw',
            Buffer.from(keyText, 'utf8'),
            { name: 'HMAC', hash: 'SHA-256' },
            false,
            ['verify'],
          )
        : await importSPKI(keyText, algorithm);
      const common = { algorithm, issuer: fixtures.issuer, audience: fixtures.audience };
      const passportString = createPassportJwtBaseline({ ...common, secretOrKey: keyText });
      const passportKey = createPassportJwtBaseline({ ...common, secretOrKey: keyObject });
      const fast = createVerifier({
        key: keyText,
        algorithms: [algorithm],
        allowedIss: fixtures.issuer,
        allowedAud: fixtures.audience,
      });
      const request = { method: 'GET', headers: { authorization: `Bearer ${token}` } };
      const operations: Record<Library, () => unknown> = {
        jose: () =>
          jwtVerify(token, joseKey, {
            issuer: fixtures.issuer,
            audience: fixtures.audience,
            algorithms: [algorithm],
          }),
        'fast-jwt': () => fast(token),
        'passport-jwt-string': () => passportString.verify(token),
        'passport-jwt-keyobject': () => passportKey.verify(token),
        'authbench-passport': () => authenticateRequest(strategy, request),
        authbench: () => strategy.verify(token),
      };
      const baselineId = `jwt-libraries/${algorithm.toLowerCase()}/fast-jwt`;
      for (const [library] of LIBRARIES) {
        await expectOutcome(`${algorithm} ${library}`, operations[library], 'accept');
      }
      // Every library once per round, order rotated, a full GC before each (interleaved.ts).
      // CPU per call beside the wall time: jose's wall time is mostly waiting (JOSE_NOTE).
      const cpuPerRound = new Map<Library, number[]>();
      const perRound = await sampleInRounds(
        LIBRARIES.map(([library]) => ({ key: library, run: operations[library] })),
        rounds,
        sampler,
        (round) => scope.step(`${algorithm} · round ${round + 1}/${rounds}`, done++, total),
        (library, stats) => cpuPerRound.set(library, [...(cpuPerRound.get(library) ?? []), stats.cpuNsPerOp]),
      );
      for (const [library, label] of LIBRARIES) {
        const figures = roundFigures(perRound.get(library) ?? [], 1000);
        const cpu = roundNumbers(cpuPerRound.get(library) ?? [], 1000);
        scope.add({
          id: `jwt-libraries/${algorithm.toLowerCase()}/${library}`,
          label: `${algorithm}: ${label}`,
          unit: 'µs',
          better: 'lower',
          ...figures,
          numbers: {
            ...figures.numbers,
            cpuUs: cpu.median ?? Number.NaN,
            cpuUsLow: cpu.low ?? Number.NaN,
            cpuUsHigh: cpu.high ?? Number.NaN,
          },
          baselineId,
          params: { algorithm, library, tokenBytes: Buffer.byteLength(token) },
        });
        if (library === 'jose') {
          joseReadings.push(
            `${algorithm} ${format(figures.value)} µs wall, ${format(cpu.median)} µs CPU (${format(cpu.low)}–${format(cpu.high)})`,
          );
        }
      }
    }
    scope.note(JOSE_NOTE);
    scope.note(
      `jwt-libraries: jose in this run, median per verify over the rounds: ${joseReadings.join('; ')}.`,
    );
  },
};

function format(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : String(round(value, 3));
}
