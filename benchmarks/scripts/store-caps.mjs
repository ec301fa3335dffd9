// The in-process stores' bounds, in records and bytes (issue #14 closing figures): memory after
// 100 000 logins of one account, and what each store does at its caps. Not a test: run by hand
// after `turbo run build`, with the GC exposed so heap figures are after a full collection:
//   node --expose-gc benchmarks/scripts/store-caps.mjs
// It drives the stores directly (their dist modules), since 100 000 logins over HTTP would be
// 100 000 Argon2 hashes; the stores are what the app mounts in process.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (path) => import(pathToFileURL(join(ROOT, 'packages', path)).href);
const { MemoryJwtStateStore, MAX_FAMILIES, MAX_FAMILIES_PER_USER } = await load(
  'auth-jwt/dist/stores/memory-jwt-state-store.js',
);
const { BoundedMemoryStore, MAX_SESSIONS_PER_USER } = await load(
  'auth-session/dist/lib/stores/memory-store.js',
);
const { SessionLifetime } = await load('auth-session/dist/lib/lifetime.js');
const { cookieData } = await load('auth-session/dist/lib/stores/managed-store.js');
const { MemoryRevocationList, MAX_REVOCATIONS } = await load('auth-stores/dist/stores/revocation-list.js');

const LOGINS = 100_000;
const DAY = 86_400_000;
const T0 = Date.now();

function memory() {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}
const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
const delta = (after, before) =>
  `RSS ${mib(after.rss)} (${after.rss >= before.rss ? '+' : ''}${mib(after.rss - before.rss)}), heapUsed ${mib(after.heapUsed)} (${after.heapUsed >= before.heapUsed ? '+' : ''}${((after.heapUsed - before.heapUsed) / 1024).toFixed(0)} KiB)`;

if (globalThis.gc === undefined)
  console.log('(run with --expose-gc for heap figures after a full collection)');

// JWT: 100 000 logins of one account, 3 other users with one family each.
{
  const store = new MemoryJwtStateStore();
  const until = T0 + 14 * DAY;
  const absolute = T0 + 30 * DAY;
  for (let i = 0; i < 3; i += 1) await store.startLogin(`other-${i}`, `o-${i}`, `oj-${i}`, until, absolute);
  const before = memory();
  for (let i = 0; i < LOGINS; i += 1)
    await store.startLogin('mallory', `login-${i}`, `jti-${i}`, until, absolute);
  const after = memory();
  const first = await store.rotateRefresh('mallory', 'login-0', 'jti-0', 'next-0', until, null);
  const last = await store.rotateRefresh(
    'mallory',
    `login-${LOGINS - 1}`,
    `jti-${LOGINS - 1}`,
    'next',
    until,
    null,
  );
  const other = await store.rotateRefresh('other-0', 'o-0', 'oj-0', 'next-o', until, null);
  console.log(`JWT state store (in process), ${LOGINS.toLocaleString('en')} logins of one account:`);
  console.log(
    `  families of that account: ${store.loginsOf('mallory')} (cap ${MAX_FAMILIES_PER_USER}); ${delta(after, before)}`,
  );
  console.log(
    `  per-user cap: the oldest family of that user goes (first login refresh: ${first}, last: ${last}); another user's family: ${other}`,
  );
  // Total cap, shown with a small cap (the default is ${MAX_FAMILIES}): the least recently used family of anyone goes.
  const small = new MemoryJwtStateStore({ maxFamilies: 3 });
  for (const user of ['a', 'b', 'c', 'd'])
    await small.startLogin(user, `${user}-1`, `${user}-j`, until, absolute);
  const evicted = await small.rotateRefresh('a', 'a-1', 'a-j', 'a-next', until, null);
  const kept = await small.rotateRefresh('d', 'd-1', 'd-j', 'd-next', until, null);
  console.log(
    `  total cap (${MAX_FAMILIES.toLocaleString('en')}; shown at 3): 4 users log in -> least recently used family (a) refresh: ${evicted}; newest (d): ${kept}; a login is never refused`,
  );
}

// Sessions: 1 000 other users' sessions, then 100 000 logins of one account.
{
  const lifetime = new SessionLifetime(1_800_000, 43_200_000, 180_000);
  const store = new BoundedMemoryStore(lifetime, () => T0, 100_000, false);
  const put = (sid, userId) =>
    new Promise((resolve, reject) =>
      store.set(
        sid,
        { cookie: cookieData(false), userId, username: userId, loginAt: T0, lastSeenAt: T0 },
        (e) => (e ? reject(e) : resolve()),
      ),
    );
  const get = (sid) => new Promise((resolve) => store.get(sid, (_e, value) => resolve(value ?? null)));
  for (let i = 0; i < 1000; i += 1) await put(`other-${i}`, `other-${i}`);
  const before = memory();
  for (let i = 0; i < LOGINS; i += 1) await put(`mallory-${i}`, 'mallory');
  const after = memory();
  let othersAlive = 0;
  for (let i = 0; i < 1000; i += 1) if ((await get(`other-${i}`)) !== null) othersAlive += 1;
  console.log(
    `Session store (in process, total cap 100 000), ${LOGINS.toLocaleString('en')} logins of one account:`,
  );
  console.log(
    `  sessions of that account: ${store.sessionsOf('mallory')} (cap ${MAX_SESSIONS_PER_USER}); store holds ${await store.count()}; ${delta(after, before)}`,
  );
  console.log(
    `  other users' sessions alive: ${othersAlive}/1000; newest login alive: ${(await get(`mallory-${LOGINS - 1}`)) !== null}; first: ${(await get('mallory-0')) !== null}`,
  );
  const small = new BoundedMemoryStore(lifetime, () => T0, 3, false, 2);
  const smallPut = (sid, userId) =>
    new Promise((resolve) =>
      small.set(
        sid,
        { cookie: cookieData(false), userId, username: userId, loginAt: T0, lastSeenAt: T0 },
        resolve,
      ),
    );
  for (const user of ['a', 'b', 'c', 'd']) await smallPut(`${user}-1`, user);
  const alive = [];
  for (const user of ['a', 'b', 'c', 'd'])
    alive.push(`${user}:${await new Promise((r) => small.get(`${user}-1`, (_e, v) => r(v != null)))}`);
  console.log(
    `  total cap (shown at 3): 4 users log in -> the least recently active session ends (${alive.join(' ')}); a login is never refused`,
  );
}

// Denylist at its cap: the soonest-expiring entry goes, the new revocation is always recorded.
{
  const list = new MemoryRevocationList();
  const before = memory();
  for (let i = 0; i < MAX_REVOCATIONS; i += 1) await list.revoke(`t-${i}`, new Date(T0 + DAY + i * 1000));
  const full = memory();
  let logoutFailed = false;
  await list.revoke('new-logout', new Date(T0 + 2 * DAY)).catch(() => {
    logoutFailed = true;
  });
  console.log(
    `Token denylist (in process) at ${MAX_REVOCATIONS.toLocaleString('en')} entries: ${delta(full, before)}`,
  );
  console.log(
    `  one more logout: failed=${logoutFailed}, recorded=${await list.isRevoked('new-logout')}, size ${list.size.toLocaleString('en')}, evicted ${list.evicted} (the soonest-expiring, t-0 revoked now: ${await list.isRevoked('t-0')}; t-1: ${await list.isRevoked('t-1')})`,
  );
}
