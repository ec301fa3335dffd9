import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { openUserRepository, type SqlUserRepository } from '@authbench/auth-accounts';
import type { AuthStrategy } from '@authbench/auth-core';
import { RedisConnection } from '@authbench/auth-stores';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { roundFigures, sampleInRounds } from '../lib/interleaved.js';
import { expectOutcome, refusing, sampleSeconds } from '../lib/sampler.js';
import { missingService } from '../lib/services.js';
import {
  type AppEnvironment,
  appConfig,
  buildStrategies,
  CATALOG_NAMES,
  issueCredential,
  tamperSignature,
} from '../lib/strategies.js';

/**
 * Question 1: what does verifying one credential cost, in process (no HTTP), for each
 * strategy of the app's catalog with each of its stores — on a valid credential and on a
 * tampered one? Every strategy is built as the app builds it (`lib/strategies.ts`): in-process
 * stores are `npm start` (embedded users, so the signed token caches users as the app does);
 * Redis and Redis Cluster come with users in PostgreSQL, as the shared-store API configs run.
 *
 * Baseline: one HMAC-SHA256 (node:crypto) over the JWT's signing input and a constant-time
 * compare — the signature check alone, the least any signed credential can cost.
 */
type Flavour = 'stateless' | 'memory' | 'redis' | 'cluster';

interface Contender {
  readonly strategy: string;
  readonly flavour: Flavour;
  readonly stores: string;
  readonly valid: () => Promise<unknown>;
  readonly invalid: () => Promise<unknown>;
}

const BASELINE_ID = 'verify-cost/baseline/hmac-sha256';

/**
 * Words for the label of each store a strategy uses (the ids do not depend on them). A
 * strategy not listed is labelled by its store alone.
 */
const STORE_WORDS: Readonly<
  Record<string, { readonly memory: string; readonly shared: (redis: string) => string }>
> = {
  session: { memory: 'bounded in-process store', shared: (redis) => redis },
  token: {
    memory: 'embedded users (PGlite) + in-process denylist',
    shared: (redis) => `PostgreSQL users + ${redis} denylist`,
  },
  jwt: { memory: 'in-process denylist', shared: (redis) => `${redis} denylist` },
};

function storeWords(name: string, flavour: Exclude<Flavour, 'stateless'>): string {
  const redis = flavour === 'redis' ? 'Redis' : 'Redis Cluster (3 masters)';
  const words = STORE_WORDS[name];
  if (words === undefined) return flavour === 'memory' ? 'in-process store' : redis;
  return flavour === 'memory' ? words.memory : words.shared(redis);
}

async function createUser(users: SqlUserRepository, username: string) {
  const user = await users.create({
    username,
    passwordHash: 'not a hash: the benchmark never checks a password',
  });
  return { id: user.id, username: user.username, tokenVersion: user.tokenVersion };
}

export const verifyCost: Family = {
  id: 'verify-cost',
  title: 'Verification cost, in process',
  description:
    'What checking one credential costs without HTTP, per strategy of the app’s catalog and store, each built as the app builds it, valid and tampered (median µs per verification over interleaved rounds, full GC before each sample, with its 95 % interval; baseline: one HMAC-SHA256 and a constant-time compare over the JWT signing input).',
  missing: () => [],
  // Per strategy: memory, Redis, Redis Cluster; plus the stateless JWT; each valid and tampered.
  estimateSeconds: (ctx) =>
    (2 * (3 * CATALOG_NAMES.length + 1) + 1) *
      ctx.sizes.tradeoffs.rounds *
      (sampleSeconds(ctx.sizes.tradeoffs.sampler) + 0.02) +
    4,

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const { fixtures } = ctx;
    const closers: (() => Promise<void>)[] = [];
    const warn = (message: string) => scope.note(message);
    try {
      const contenders: Contender[] = [];
      let jwtToken: string | undefined;

      /** Every catalog strategy of this environment, logged in once as `user`. */
      const addAll = async (
        flavour: Exclude<Flavour, 'stateless'>,
        environment: AppEnvironment,
        stores: { users: SqlUserRepository; redis: RedisConnection | null },
        user: { id: string; username: string; tokenVersion: number },
      ) => {
        const built = await buildStrategies(appConfig(fixtures, environment), stores, warn);
        for (const [name, strategy] of built) {
          await add(name, flavour, storeWords(name, flavour), strategy, user);
        }
      };
      const add = async (
        name: string,
        flavour: Flavour,
        stores: string,
        strategy: AuthStrategy,
        user: { id: string; username: string; tokenVersion: number },
      ) => {
        const { credential } = await issueCredential(strategy, user);
        const bad = tamperSignature(credential);
        contenders.push({
          strategy: name,
          flavour,
          stores,
          valid: () => strategy.verify(credential),
          invalid: () => strategy.verify(bad),
        });
        return credential;
      };

      // In-process stores, as `npm start` runs: embedded users (PGlite) and memory stores.
      const embedded = await openUserRepository({ dataDir: ':memory:' });
      closers.push(() => embedded.close());
      const embeddedUser = await createUser(embedded, `${fixtures.username}_v`);
      // The JWT without a denylist (JWT_REVOCATION=none): the stateless configuration.
      const stateless = await buildStrategies(
        appConfig(fixtures, { env: { AUTH_STRATEGIES: 'jwt', JWT_REVOCATION: 'none' } }),
        { users: embedded, redis: null },
        warn,
      );
      for (const [name, strategy] of stateless) {
        jwtToken = await add(name, 'stateless', 'none (JWT_REVOCATION=none)', strategy, embeddedUser);
      }
      await addAll('memory', {}, { users: embedded, redis: null }, embeddedUser);

      // Shared stores: Redis (and Redis Cluster) with users in PostgreSQL.
      const sharedMissing = missingService('redis') ?? missingService('postgres');
      if (sharedMissing !== null) {
        scope.skipPart(sharedMissing, 'the shared stores (Redis and Redis Cluster, users in PostgreSQL)');
      } else {
        const urls = await ctx.services.ensure('redis', 'cluster', 'postgres');
        const databaseUrl = urls.DATABASE_URL;
        if (databaseUrl === undefined) throw new Error('PostgreSQL was ensured but has no DATABASE_URL');
        const postgres = await openUserRepository({ databaseUrl, dataDir: ':memory:' });
        closers.push(() => postgres.close());
        const pgUser = await createUser(postgres, `${fixtures.username}_v${randomUUID().slice(0, 4)}`);
        for (const [flavour, url] of [
          ['redis', urls.REDIS_URL],
          ['cluster', urls.REDIS_CLUSTER_URL],
        ] as const) {
          if (url === undefined) continue;
          const redis = new RedisConnection(url);
          await redis.connect();
          closers.push(() => redis.close());
          await addAll(flavour, { databaseUrl, redisUrl: url }, { users: postgres, redis }, pgUser);
        }
      }
      if (jwtToken === undefined)
        throw new Error('the catalog has no jwt strategy to take the baseline from');

      // The baseline, on the same bytes as the JWT's signature covers.
      const cut = jwtToken.lastIndexOf('.');
      const signingInput = jwtToken.slice(0, cut);
      const key = Buffer.from(fixtures.secrets.jwt, 'utf8');
      const expected = createHmac('sha256', key).update(signingInput).digest();
      const baseline = () => {
        const mac = createHmac('sha256', key).update(signingInput).digest();
        if (!timingSafeEqual(mac, expected)) throw new Error('unreachable: same input');
      };
      for (const contender of contenders) {
        const label = `${contender.strategy} · ${contender.flavour}`;
        await expectOutcome(`${label} · valid`, contender.valid, 'accept');
        await expectOutcome(`${label} · invalid`, contender.invalid, 'refuse');
      }
      // Every operation once per round, order rotated, a full GC before each (interleaved.ts).
      const { rounds, sampler } = ctx.sizes.tradeoffs;
      const keyOf = (contender: Contender, outcome: 'valid' | 'invalid') =>
        `${contender.strategy}/${contender.flavour}/${outcome}`;
      const perRound = await sampleInRounds(
        [
          { key: 'baseline', run: baseline },
          ...contenders.flatMap((contender) => [
            { key: keyOf(contender, 'valid'), run: contender.valid },
            { key: keyOf(contender, 'invalid'), run: refusing(contender.invalid) },
          ]),
        ],
        rounds,
        sampler,
        (round) => scope.step(`round ${round + 1}/${rounds}`, round, rounds),
      );
      scope.add({
        id: BASELINE_ID,
        label: 'baseline: HMAC-SHA256 + constant-time compare (node:crypto)',
        unit: 'µs',
        better: 'lower',
        ...roundFigures(perRound.get('baseline') ?? [], 1000),
        baselineId: BASELINE_ID,
        params: { strategy: 'baseline', store: 'none', inputBytes: Buffer.byteLength(signingInput) },
      });
      for (const contender of contenders) {
        for (const outcome of ['valid', 'invalid'] as const) {
          scope.add({
            id: `verify-cost/${keyOf(contender, outcome)}`,
            label: `${contender.strategy} (${contender.stores}), ${outcome === 'valid' ? 'valid credential' : 'tampered signature'}`,
            unit: 'µs',
            better: 'lower',
            ...roundFigures(perRound.get(keyOf(contender, outcome)) ?? [], 1000),
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
