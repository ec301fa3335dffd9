import { fileURLToPath } from 'node:url';
import { generateDevKeyPair } from '@authbench/auth-jwt';
import { RedisConnection, type RedisReply } from '@authbench/auth-stores';
import type { Family, FamilyScope, RunContext } from '../lib/context.js';
import { callInFreshProcess } from '../lib/fresh-process.js';
import { httpRequest, STRATEGIES, type StrategyName } from '../lib/http.js';
import { roundFigures, sampleInRounds } from '../lib/interleaved.js';
import { expectOutcome, sampleSeconds } from '../lib/sampler.js';
import { missingService, startScratchRedis } from '../lib/services.js';
import { stateBytes, stateUserOf } from '../lib/state-bytes.js';
import { buildStrategy, CATALOG_NAMES, issueCredential, MapUsers } from '../lib/strategies.js';

/**
 * Question 4: what does the server keep per active login, and does verification get slower
 * as logins pile up? Bytes of server state per login (in-process: the heapUsed + external
 * delta in a fresh process per strategy and size, never negative; Redis: `used_memory` delta
 * on a private redis-server) at 1k/10k/50k logins (quick: 1k),
 * verification cost at each size, for every strategy of the app's catalog built as the app
 * builds it (`lib/strategies.ts`: its defaults, store bounds and key prefixes); the
 * credential's bytes on the wire; and store look-ups per request, counted on the wire by the
 * proxies in front of Redis and PostgreSQL.
 */
const KEPT = 200;

const STATE_CHILD = fileURLToPath(new URL('../lib/state-child.js', import.meta.url));

/** Heap readings (heapUsed + external, after full GCs) around `size` logins, in a fresh process. */
function freshProcessReadings(
  ctx: RunContext,
  strategy: string,
  size: number,
): Promise<{ before: number[]; after: number[]; logins: number; reported: number | null }> {
  return callInFreshProcess(
    ctx.registry,
    { name: `server-state child (${strategy}, ${size})`, script: STATE_CHILD, cpus: ctx.cpu.serverCpus },
    { type: 'measure', fixtures: ctx.fixtures, strategy, size, kept: KEPT },
  );
}

type Store = 'memory' | 'redis';

interface Built {
  /** Logs a user in; returns the credential in the form `verify` takes. */
  login(index: number): Promise<string>;
  verify(credential: string): Promise<unknown>;
  /** Logins the strategy itself reports holding, when it can say. */
  count(): Promise<number | null>;
}

const userOf = stateUserOf;

async function build(
  ctx: RunContext,
  strategy: string,
  redis: { readonly connection: RedisConnection; readonly url: string } | null,
  users: MapUsers,
  warn: (message: string) => void,
): Promise<Built> {
  // Users in a Map stand in for the embedded store (no DATABASE_URL): the app's settings for
  // one process, with REDIS_URL when the store is Redis (the users are not the question here).
  const built = await buildStrategy(
    ctx.fixtures,
    strategy,
    { users, redis: redis?.connection ?? null },
    redis === null ? {} : { redisUrl: redis.url },
    warn,
  );
  return {
    login: async (index) => (await issueCredential(built, userOf(index))).credential,
    verify: (credential) => built.verify(credential),
    count: async () => (await built.serverState())?.records ?? null,
  };
}

function infoField(info: RedisReply, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(String(info));
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}

async function inBatches(
  count: number,
  parallel: number,
  run: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await run(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}

async function measureState(
  ctx: RunContext,
  scope: FamilyScope,
  stores: readonly Store[],
  step: (label: string, finished: boolean) => void,
): Promise<void> {
  const scratch = stores.includes('redis') ? await startScratchRedis(ctx.registry) : null;
  const redis = scratch === null ? null : new RedisConnection(scratch.url);
  await redis?.connect();
  try {
    const smallest = ctx.sizes.stateSizes[0] ?? 1_000;
    for (const store of stores) {
      for (const size of ctx.sizes.stateSizes) {
        for (const strategy of CATALOG_NAMES) {
          step(`${store} · ${strategy} · ${size.toLocaleString('en')} logins`, false);
          if (store === 'redis') await redis?.command('', ['FLUSHALL']);
          const users = new MapUsers();
          for (let index = 0; index < size; index += 1) users.add(userOf(index).id, userOf(index).username);
          const built = await build(
            ctx,
            strategy,
            store === 'redis' && redis !== null && scratch !== null
              ? { connection: redis, url: scratch.url }
              : null,
            users,
            (message) => scope.note(message),
          );
          // The kept credentials are made before the first reading, so they are not counted as state.
          const kept: string[] = [];
          for (let index = 0; index < Math.min(KEPT, size); index += 1) kept.push(await built.login(index));
          const added = size - kept.length;
          let bytes: ReturnType<typeof stateBytes>;
          let loginsMeasured: number;
          let reported: number | null;
          if (store === 'memory') {
            // Bytes from a fresh process (forced GCs, repeated readings); this process only
            // logs in for the verify timing below.
            const fresh = await freshProcessReadings(ctx, strategy, size);
            for (let index = kept.length; index < size; index += 1) await built.login(index);
            bytes = stateBytes(fresh.before, fresh.after, fresh.logins);
            loginsMeasured = fresh.logins;
            reported = fresh.reported;
          } else {
            const readBytes = async () =>
              infoField(await (redis as RedisConnection).command('', ['INFO', 'memory']), 'used_memory');
            const before = [await readBytes(), await readBytes(), await readBytes()];
            await inBatches(added, 32, (offset) => built.login(kept.length + offset));
            const after = [await readBytes(), await readBytes(), await readBytes()];
            bytes = stateBytes(before, after, added);
            loginsMeasured = added;
            reported = await built.count();
          }
          const numbers: Record<string, number> = {
            bytesPerLogin: bytes.bytesPerLogin,
            totalBytes: Math.max(0, bytes.rawDeltaBytes),
            rawDeltaBytes: bytes.rawDeltaBytes,
            noiseFloorBytes: bytes.noiseBytes,
            noiseFloorBytesPerLogin: bytes.noiseBytesPerLogin,
            belowNoise: bytes.belowNoise ? 1 : 0,
            loginsMeasured,
            activeLogins: size,
          };
          if (reported !== null) numbers.loginsReportedByStore = reported;
          if (store === 'redis' && redis !== null) {
            const keys = Number(await redis.command('', ['DBSIZE']));
            numbers.keys = keys;
            numbers.keysPerLogin = keys / size;
            const sampleKey = await redis.command('', ['RANDOMKEY']);
            if (typeof sampleKey === 'string') {
              numbers.sampleKeyBytes = Number(await redis.command(sampleKey, ['MEMORY', 'USAGE', sampleKey]));
            }
          }
          const baseCase = `server-state/bytes/${store}/session/${size}`;
          scope.add({
            id: `server-state/bytes/${store}/${strategy}/${size}`,
            label: `${strategy}: server state per active login, ${store === 'memory' ? 'in-process (heap)' : 'Redis (used_memory)'}, ${size.toLocaleString('en')} logins`,
            unit: 'bytes/login',
            better: 'lower',
            value: numbers.bytesPerLogin ?? 0,
            numbers,
            baselineId: baseCase,
            params: {
              strategy,
              store,
              activeLogins: size,
              jwtRevocation: strategy === 'jwt' ? 'denylist' : 'n/a',
            },
          });
          // The kept credentials still verify at this size (no store bound evicted them).
          for (const credential of [kept[0], kept[kept.length - 1]]) {
            await expectOutcome(
              `${store} ${strategy} ${size}`,
              () => built.verify(credential ?? ''),
              'accept',
            );
          }
          // Rounds with a full GC before each (interleaved.ts): a median with its interval. The
          // strategies cannot share the rounds: each size's state is built (and flushed) per strategy.
          let turn = 0;
          const verify = () => built.verify(kept[turn++ % kept.length] ?? '');
          const { rounds, sampler } = ctx.sizes.tradeoffs;
          const perRound = await sampleInRounds([{ key: 'verify', run: verify }], rounds, sampler);
          scope.add({
            id: `server-state/verify/${store}/${strategy}/${size}`,
            label: `${strategy}: verify with ${size.toLocaleString('en')} active logins (${store})`,
            unit: 'µs',
            better: 'lower',
            ...roundFigures(perRound.get('verify') ?? [], 1000),
            baselineId: `server-state/verify/${store}/${strategy}/${smallest}`,
            params: { strategy, store, activeLogins: size },
          });
          step(`${store} · ${strategy} · ${size.toLocaleString('en')} logins`, true);
        }
      }
    }
  } finally {
    await redis?.close();
    await scratch?.process.stop();
  }
}

/** What a client sends with every request, per strategy (and JWT algorithm), as the app issues it. */
async function measureWire(ctx: RunContext, scope: FamilyScope): Promise<void> {
  const fixtures = ctx.fixtures;
  const user = { id: fixtures.userId, username: fixtures.username, tokenVersion: 0 };
  const users = new MapUsers();
  users.add(user.id, user.username);
  const stores = { users, redis: null };
  const warn = (message: string) => scope.note(message);
  const entries: {
    id: string;
    label: string;
    header: string;
    credential: string;
    params: Record<string, string>;
  }[] = [];
  /** Ids and words of the entries already on the page; a strategy not listed here is named as is. */
  const known: Readonly<Record<string, string>> = {
    session: 'session cookie (sid)',
    token: 'signed token (itsdangerous, sha1)',
  };
  for (const name of CATALOG_NAMES) {
    if (name === 'jwt') {
      for (const algorithm of ['HS256', 'RS256', 'ES256'] as const) {
        const keys = algorithm === 'HS256' ? undefined : generateDevKeyPair(algorithm);
        const env: Record<string, string> = {
          JWT_ALG: algorithm,
          ...(keys === undefined
            ? {}
            : { JWT_PRIVATE_KEY: keys.privateKeyPem, JWT_PUBLIC_KEY: keys.publicKeyPem }),
        };
        const jwt = await buildStrategy(fixtures, 'jwt', stores, { env }, warn);
        const issued = await issueCredential(jwt, user);
        entries.push({
          id: `jwt-${algorithm.toLowerCase()}`,
          label: `JWT access token, ${algorithm}`,
          header: issued.header,
          credential: issued.credential,
          params: {
            strategy: 'jwt',
            algorithm,
            refreshTokenBytes: String(Buffer.byteLength(String(issued.body.refreshToken ?? ''))),
          },
        });
      }
      continue;
    }
    const issued = await issueCredential(await buildStrategy(fixtures, name, stores, {}, warn), user);
    // The cookie entry counts the whole `sid=…` pair, as before; a bearer entry the token.
    const credential = issued.header.startsWith('Cookie: ')
      ? issued.header.slice('Cookie: '.length, -2)
      : issued.credential;
    entries.push({
      id: name,
      label: known[name] ?? `${name} token`,
      header: issued.header,
      credential,
      params: { strategy: name },
    });
  }
  for (const entry of entries) {
    scope.add({
      id: `server-state/wire/${entry.id}`,
      label: `bytes on the wire per request: ${entry.label}`,
      unit: 'bytes',
      better: 'lower',
      value: Buffer.byteLength(entry.header),
      numbers: {
        headerBytes: Buffer.byteLength(entry.header),
        credentialBytes: Buffer.byteLength(entry.credential),
      },
      baselineId: 'server-state/wire/session',
      params: entry.params,
    });
  }
}

/** Look-ups per authenticated request, counted by the proxies (not taken from the traits). */
async function measureLookups(
  ctx: RunContext,
  scope: FamilyScope,
  step: (label: string) => void,
): Promise<void> {
  const api = await ctx.apis.get('proxied-1w');
  const traits = JSON.parse((await httpRequest(`${api.baseUrl}/strategies`)).body) as {
    name: string;
    traits: { lookupsPerRequest: number };
  }[];
  const count = ctx.sizes.lookupRequests;
  const routes: (StrategyName | 'baseline')[] = ['baseline', ...STRATEGIES];
  for (const route of routes) {
    step(`look-ups per request · ${route}`);
    const path = route === 'baseline' ? '/strategies' : `/${route}/protected`;
    const headers = route === 'baseline' ? {} : (await api.credential(route)).headers;
    // One request first: connections and prepared state are set up outside the count.
    await httpRequest(`${api.baseUrl}${path}`, { headers });
    await ctx.proxies.reset('redis');
    await ctx.proxies.reset('postgres');
    for (let index = 0; index < count; index += 1) {
      const response = await httpRequest(`${api.baseUrl}${path}`, { headers });
      if (response.status !== 200)
        throw new Error(`GET ${path} answered ${response.status} while counting look-ups`);
    }
    const redis = await ctx.proxies.read('redis');
    const postgres = await ctx.proxies.read('postgres');
    const declared =
      route === 'baseline'
        ? 0
        : (traits.find((entry) => entry.name === route)?.traits.lookupsPerRequest ?? -1);
    const perRequest = (redis.requests + postgres.requests) / count;
    scope.add({
      id: `server-state/lookups/${route}`,
      label: `store look-ups per request: ${route === 'baseline' ? 'baseline GET /strategies' : `GET /${route}/protected`} (counted on the wire)`,
      unit: 'look-ups/request',
      better: 'lower',
      value: perRequest,
      numbers: {
        total: perRequest,
        redisCommands: redis.requests / count,
        postgresStatements: postgres.requests / count,
        declaredByTraits: declared,
        requests: count,
      },
      baselineId: 'server-state/lookups/session',
      params: { route, config: 'proxied-1w' },
      ...(Math.abs(perRequest - declared) > 0.01
        ? { notes: [`GET /strategies declares ${declared} look-ups per request; ${perRequest} were counted`] }
        : {}),
    });
  }
}

export const serverState: Family = {
  id: 'server-state',
  title: 'Server state, credential size and look-ups',
  description:
    'Bytes of server state per active login (heap delta in process, used_memory delta in Redis) and verification cost as logins grow; the credential’s bytes on the wire; store look-ups per request counted on the wire.',
  missing: () => [],
  apiConfigs: () =>
    missingService('redis') === null && missingService('postgres') === null ? ['proxied-1w'] : [],
  estimateSeconds: (ctx) => {
    const logins = ctx.sizes.stateSizes.reduce((sum, size) => sum + size, 0);
    return (
      2 *
        CATALOG_NAMES.length *
        ctx.sizes.stateSizes.length *
        (ctx.sizes.tradeoffs.rounds * (sampleSeconds(ctx.sizes.tradeoffs.sampler) + 0.02) + 0.3) +
      (logins * 2 * CATALOG_NAMES.length * 100) / 1e6 +
      6 +
      (4 * ctx.sizes.lookupRequests) / 500
    );
  },

  async run(ctx: RunContext, scope: FamilyScope): Promise<void> {
    const redisMissing = missingService('redis');
    const pgMissing = missingService('postgres');
    if (redisMissing !== null) scope.skipPart(redisMissing, 'Redis server state');
    const stores: Store[] = redisMissing === null ? ['memory', 'redis'] : ['memory'];
    const steps = stores.length * ctx.sizes.stateSizes.length * CATALOG_NAMES.length + 2;
    let done = 0;
    await measureState(ctx, scope, stores, (label, finished) => {
      if (finished) done += 1;
      scope.step(label, done, steps);
    });
    await measureWire(ctx, scope);
    done += 1;
    scope.step('look-ups per request', done, steps);
    const lookupsMissing = redisMissing ?? pgMissing;
    if (lookupsMissing !== null)
      scope.skipPart(lookupsMissing, 'store look-ups per request (counted through the proxies)');
    else await measureLookups(ctx, scope, (label) => scope.step(label, done, steps));
    scope.note(
      'In-process bytes are measured in a fresh process per strategy and size: heapUsed + external after full GCs, five readings before and five after the logins (the Map entries, strings and buffers the store keeps); Redis bytes are the used_memory delta of a private redis-server (three readings each side; keys, values, TTL entries and allocator overhead). A delta at or below the noise floor (the spread of the repeated readings) is reported as 0 bytes with the floor stated (`noiseFloorBytesPerLogin`), never as a negative number.',
    );
  },
};
