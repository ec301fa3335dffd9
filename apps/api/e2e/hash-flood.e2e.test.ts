// Issue #14 item 3, over HTTP: during a password-hash flood from 16 addresses (wrong passwords,
// ever-new usernames), a client that logged in lately is never refused for hash capacity. Counted
// in answers, not timed: the flood's latency goal is measured by
// benchmarks/scripts/hash-flood-latency.mjs, not asserted here.
// Loopback is 127.0.0.0/8 on Linux, so each client binds its own source address.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postFrom, uniqueUsername } from './support/client.js';
import { startLoginFlood } from './support/flood.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PASSWORD = 'correct horse battery';
const LEGIT = '127.0.14.200';
const FLOODERS = Array.from({ length: 16 }, (_, i) => `127.0.14.${i + 1}`);

describe('a 16-address hash flood and a client that logged in lately', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  }, 60_000);

  afterAll(async () => {
    await testApp.close();
  });

  it('the known client gets 200 every time while the flood gets 401, 429 and fast 503s', async () => {
    const username = uniqueUsername('legit');
    const login = () => postFrom(testApp.baseUrl, LEGIT, '/token/login', { username, password: PASSWORD });
    expect(
      (await postFrom(testApp.baseUrl, LEGIT, '/register', { username, password: PASSWORD })).status,
    ).toBe(201);
    // One right password makes the address known to the hash slots.
    expect((await login()).status).toBe(200);

    const flood = startLoginFlood(testApp.baseUrl, { addresses: FLOODERS, clients: FLOODERS.length });
    let statuses: number[] = [];
    try {
      // The wait line is full once the flood gets its first fast 503: from then on, before this
      // change, a newcomer with no waiter of its own was refused like the flood.
      await flood.firstAnswer(503);
      const legit: number[] = [];
      for (let i = 0; i < 6; i += 1) legit.push((await login()).status);
      expect(legit).toEqual(Array(6).fill(200));
    } finally {
      statuses = await flood.stop();
    }
    expect(statuses.filter((status) => ![401, 429, 503].includes(status))).toEqual([]);
    // Unknown usernames still cost a password check (401 after a hash, never a shortcut).
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThan(0);
  }, 600_000);
});
