import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { openUserRepository, type SqlUserRepository } from '@authbench/auth-accounts';
import { RedisConnection } from '@authbench/auth-stores';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { expectOutcome, microseconds, refusing, sample, sampleSeconds } from '../lib/sampler.js';
import { missingService } from '../lib/services.js';
import {
  buildJwt,
  buildSession,
  buildToken,
  issueSessionCookie,
  tamperSignature,
} from '../lib/strategies.js';

/**
 * Question 1: what does verifying one credential cost, in process (no HTTP), for each
 * strategy with each of its stores — on a valid credential and on a tampered one?
 *
 * Baseline: one HMAC-SHA256 (node:crypto) over the JWT's signing input and a constant-time
 * compare — the signature check alone, the least any signed credential can cost.
 */
type Flavour = 'stateless' | 'memory' | 'redis' | 'cluster';

interface Contender {
  readonly strategy: 'jwt' | 'token' | 'session';
  readonly flavour: Flavour;
  readonly stores: string;
  readonly valid: () => Promise<unknown>;
  readonly invalid: () => Promise<unknown>;
}

const BASELINE_ID = 'verify-cost/baseline/hmac-sha256';

async function createUser(users: SqlUserRepository, username: string): Promise<string> {
  const user = await users.create({
    username,
    passwordHash: 'not a hash: the benchmark never checks a password',
  });
  return user.id;
}

export const verifyCost: Family = {
  id: 'verify-cost',
  title: 'Verification cost, in process',
  description:
    'What checking one credential costs without HTTP, per strategy and store, valid and tampered (median µs per verification; baseline: one HMAC-SHA256 and a constant-time compare over the JWT signing input).',
  missing: () => [],
  estimateSeconds: (ctx) => 21 * sampleSeconds(ctx.sizes.sampler) + 4,

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const { fixtures } = ctx;
    const user = { id: fixtures.userId, username: fixtures.username, tokenVersion: 0 };
    const closers: (() => Promise<void>)[] = [];
    try {
      const contenders: Contender[] = [];

      // In-process stores, as `npm start` runs: embedded users (PGlite) and memory stores.
      const embedded = await openUserRepository({ dataDir: ':memory:' });
      closers.push(() => embedded.close());
      const embeddedUserId = await createUser(embedded, `${fixtures.username}_v`);

      const jwtStateless = buildJwt(fixtures, { revocation: 'none', redis: null });
      const jwtMemory = buildJwt(fixtures, { revocation: 'denylist', redis: null });
      const tokenMemory = buildToken(fixtures, { users: embedded, redis: null });
      const sessionMemory = buildSession(fixtures, { redis: null });

      const addJwt = async (flavour: Flavour, stores: string, strategy: ReturnType<typeof buildJwt>) => {
        const token = (await strategy.issue(user)).token;
        const bad = tamperSignature(token);
        contenders.push({
          strategy: 'jwt',
          flavour,
          stores,
          valid: () => strategy.verify(token),
          invalid: () => strategy.verify(bad),
        });
        return token;
      };
      const addToken = async (
        flavour: Flavour,
        stores: string,
        strategy: ReturnType<typeof buildToken>,
        userId: string,
      ) => {
        const { token } = await strategy.issueToken(userId);
        const bad = tamperSignature(token);
        contenders.push({
          strategy: 'token',
          flavour,
          stores,
          valid: () => strategy.verify(token),
          invalid: () => strategy.verify(bad),
        });
      };
      const addSession = async (
        flavour: Flavour,
        stores: string,
        strategy: ReturnType<typeof buildSession>,
      ) => {
        const cookie = await issueSessionCookie(strategy, user);
        // The credential exactly as the guard hands it to `verify`: the cookie's value.
        const credential = strategy.credentialOf({ method: 'GET', headers: { cookie } }) ?? '';
        const bad = tamperSignature(credential);
        contenders.push({
          strategy: 'session',
          flavour,
          stores,
          valid: () => strategy.verify(credential),
          invalid: () => strategy.verify(bad),
        });
      };

      const jwtToken = await addJwt('stateless', 'none (JWT_REVOCATION=none)', jwtStateless);
      await addJwt('memory', 'in-process denylist', jwtMemory);
      await addToken('memory', 'embedded users (PGlite) + in-process denylist', tokenMemory, embeddedUserId);
      await addSession('memory', 'bounded in-process store', sessionMemory);

      // Shared stores: Redis (and Redis Cluster) with users in PostgreSQL.
      const redisMissing = missingService('redis');
      const pgMissing = missingService('postgres');
      if (redisMissing !== null) {
        scope.skipPart(redisMissing, 'the Redis and Redis Cluster stores');
      } else {
        const urls = await ctx.services.ensure(
          'redis',
          'cluster',
          ...(pgMissing === null ? (['postgres'] as const) : []),
        );
        const postgres =
          urls.DATABASE_URL === undefined
            ? null
            : await openUserRepository({ databaseUrl: urls.DATABASE_URL, dataDir: ':memory:' });
        if (postgres === null && pgMissing !== null)
          scope.skipPart(pgMissing, 'the signed token with PostgreSQL users');
        if (postgres !== null) closers.push(() => postgres.close());
        const pgUserId =
          postgres === null
            ? null
            : await createUser(postgres, `${fixtures.username}_v${randomUUID().slice(0, 4)}`);
        for (const [flavour, url] of [
          ['redis', urls.REDIS_URL],
          ['cluster', urls.REDIS_CLUSTER_URL],
        ] as const) {
          if (url === undefined) continue;
          const redis = new RedisConnection(url);
          await redis.connect();
          closers.push(() => redis.close());
          const label = flavour === 'redis' ? 'Redis' : 'Redis Cluster (3 masters)';
          await addJwt(flavour, `${label} denylist`, buildJwt(fixtures, { revocation: 'denylist', redis }));
          if (postgres !== null && pgUserId !== null) {
            await addToken(
              flavour,
              `PostgreSQL users + ${label} denylist`,
              buildToken(fixtures, { users: postgres, redis }),
              pgUserId,
            );
          }
          await addSession(flavour, label, buildSession(fixtures, { redis }));
        }
      }

      // The baseline, on the same bytes as the JWT's signature covers.
      const cut = jwtToken.lastIndexOf('.');
      const signingInput = jwtToken.slice(0, cut);
      const key = Buffer.from(fixtures.secrets.jwt, 'utf8');
      const expected = createHmac('sha256', key).update(signingInput).digest();
      const baseline = () => {
        const mac = createHmac('sha256', key).update(signingInput).digest();
        if (!timingSafeEqual(mac, expected)) throw new Error('unreachable: same input');
      };
      const total = contenders.length * 2 + 1;
      let done = 0;
      scope.step('baseline: HMAC-SHA256 (node:crypto)', done, total);
      const baselineStats = await sample(baseline, ctx.sizes.sampler);
      done += 1;
      scope.add({
        id: BASELINE_ID,
        label: 'baseline: HMAC-SHA256 + constant-time compare (node:crypto)',
        unit: 'µs',
        better: 'lower',
        value: baselineStats.medianNs / 1000,
        numbers: microseconds(baselineStats),
        baselineId: BASELINE_ID,
        params: { strategy: 'baseline', store: 'none', inputBytes: Buffer.byteLength(signingInput) },
      });

      for (const contender of contenders) {
        for (const outcome of ['valid', 'invalid'] as const) {
          const label = `${contender.strategy} · ${contender.flavour} · ${outcome}`;
          scope.step(label, done, total);
          const operation = outcome === 'valid' ? contender.valid : refusing(contender.invalid);
          await expectOutcome(
            label,
            outcome === 'valid' ? contender.valid : contender.invalid,
            outcome === 'valid' ? 'accept' : 'refuse',
          );
          const stats = await sample(operation, ctx.sizes.sampler);
          done += 1;
          scope.add({
            id: `verify-cost/${contender.strategy}/${contender.flavour}/${outcome}`,
            label: `${contender.strategy} (${contender.stores}), ${outcome === 'valid' ? 'valid credential' : 'tampered signature'}`,
            unit: 'µs',
            better: 'lower',
            value: stats.medianNs / 1000,
            numbers: microseconds(stats),
            baselineId: BASELINE_ID,
            params: {
              strategy: contender.strategy,
              store: contender.flavour,
              stores: contender.stores,
              credential: outcome,
            },
          });
        }
      }
    } finally {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    }
  },
};
