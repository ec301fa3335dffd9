import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { type Fixture, IDLE_SECONDS, startFixture } from './support/fixture.js';
import { closeHttpAgent } from './support/http.js';

describe('bounded in-process store', () => {
  const open: Fixture[] = [];
  const start = async (options: Parameters<typeof startFixture>[2] = {}): Promise<Fixture> => {
    const fixture = await startFixture('memory', null, options);
    open.push(fixture);
    return fixture;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((fixture) => fixture.close()));
  });
  afterAll(() => closeHttpAgent());

  it('evicts the least recently active session beyond maxSessions, never refusing a login', async () => {
    const f = await start({ maxSessions: 3, touchAfterSeconds: 1 });
    const first = await f.login('alice');
    f.clock.advance(1);
    const second = await f.login('alice');
    f.clock.advance(1);
    const third = await f.login('bob');
    f.clock.advance(1);
    // Activity moves the first session to the recent end: the second is now the oldest.
    expect((await f.get('/protected', first.cookie)).status).toBe(200);
    const fourth = await f.login('bob');
    expect(fourth.response.status).toBe(200);
    expect(await f.strategy.serverState().then((state) => state.records)).toBe(3);
    expect((await f.get('/protected', second.cookie)).status).toBe(401);
    for (const live of [first, third, fourth])
      expect((await f.get('/protected', live.cookie)).status).toBe(200);
    // The evicted id left the user index too: logout-all of alice ends only the first.
    await f.strategy.revokeAll('u-alice');
    expect(await f.strategy.serverState().then((state) => state.records)).toBe(2);
  });

  it('prunes expired sessions instead of leaking them', async () => {
    const f = await start({ maxSessions: 1000 });
    await Promise.all(Array.from({ length: 20 }, () => f.login('alice')));
    expect(await f.strategy.serverState().then((state) => state.records)).toBe(20);
    f.clock.advance(IDLE_SECONDS);
    // A write sweeps expired sessions from the least recently active end.
    await f.login('bob');
    expect(await f.strategy.serverState().then((state) => state.records)).toBe(1);
    f.clock.advance(IDLE_SECONDS);
    expect(await f.strategy.serverState().then((state) => state.records)).toBe(0);
  });

  it('does not count a session past its absolute lifetime even if it was active', async () => {
    const f = await start({ idleTtlSeconds: 60, absoluteTtlSeconds: 100, touchAfterSeconds: 1 });
    const { cookie } = await f.login('alice');
    f.clock.advance(50);
    expect((await f.get('/protected', cookie)).status).toBe(200);
    f.clock.advance(50);
    expect(await f.strategy.serverState().then((state) => state.records)).toBe(0);
  });
});
