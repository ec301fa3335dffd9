// Issue #8: registrations racing each other. Uniqueness is the database's unique index on the
// case-folded username, not a check-then-insert in the app, so 50 racing registrations of one
// name (in different cases) give exactly one 201 and 49 × 409 — on PostgreSQL and on the
// embedded store — while 200 distinct ones all succeed; never a 500.
// The 250 registrations come from 250 clients (loopback source addresses), as a real burst
// would, and each client retries after `Retry-After` when the hash queue is full (503): the
// per-address registration limit and the bounded hash work are not what this suite tests.

import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestPostgres } from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, uniqueUsername } from './support/client.js';
import { Teardown, waitForHealth } from './support/processes.js';
import { storeProgramsAvailable } from './support/stores.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DISTINCT = 200;
const SAME = 50;
const PASSWORD = 'correct horse battery';

/** `name` with the case of some letters flipped: the same user, case-insensitively. */
function caseVariant(name: string, seed: number): string {
  return [...name]
    .map((character, index) =>
      ((seed >> (index % 8)) & 1) === 1 ? character.toUpperCase() : character.toLowerCase(),
    )
    .join('');
}

interface Outcome {
  readonly username: string;
  readonly password: string;
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly contentType: string | null;
}

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly contentType: string | null;
  readonly retryAfterSeconds: number;
}

/** POST JSON from one loopback source address (Linux routes all of 127.0.0.0/8 to loopback). */
function postFrom(baseUrl: string, from: string, path: string, body: unknown): Promise<Reply> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: incoming.statusCode ?? 0,
            body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
            contentType: incoming.headers['content-type'] ?? null,
            retryAfterSeconds: Number(incoming.headers['retry-after'] ?? 1),
          });
        });
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

let clients = 0;

/** A source address no earlier attempt used (Linux routes all of 127.0.0.0/8 to loopback). */
function freshAddress(): string {
  clients += 1;
  return `127.3.${Math.floor(clients / 250)}.${(clients % 250) + 1}`;
}

/**
 * One registration, retrying while the server says 503. Each attempt comes from a fresh address:
 * a 503 still spends the address's registration point (by design), and on a busy machine one
 * address's retries would reach the per-address limit, which this suite does not test.
 */
async function register(api: ApiClient, username: string, password: string): Promise<Outcome> {
  for (;;) {
    const reply = await postFrom(api.baseUrl, freshAddress(), '/register', { username, password });
    if (reply.status !== 503) return { username, password, ...reply };
    await sleep(reply.retryAfterSeconds * 1000);
  }
}

/** One suite, two user stores (STYLE #10). */
function racingRegistrations(postgres: boolean): void {
  const teardown = new Teardown();
  let testApp: TestApp;
  let api: ApiClient;
  let distinct: Outcome[];
  let same: Outcome[];
  const sharedName = uniqueUsername('Racer');

  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (postgres) {
      const server = await startTestPostgres();
      teardown.add('postgres', () => server.destroy());
      env.DATABASE_URL = server.url;
    }
    testApp = await startTestApp(env);
    teardown.add('app', () => testApp.close());
    api = new ApiClient(testApp.baseUrl);
    await waitForHealth(testApp.baseUrl);
    // All 250 at once: the distinct ones and the racers interleave on the same pool.
    const distinctNames = Array.from({ length: DISTINCT }, () => uniqueUsername('many'));
    [distinct, same] = await Promise.all([
      Promise.all(distinctNames.map((name) => register(api, name, PASSWORD))),
      Promise.all(
        Array.from({ length: SAME }, (_, index) =>
          register(api, caseVariant(sharedName, index), `${PASSWORD} #${index}`),
        ),
      ),
    ]);
  }, 120_000);

  afterAll(() => teardown.run(), 60_000);

  it(`${DISTINCT} parallel registrations of distinct users: all 201 with distinct ids`, () => {
    expect(
      distinct.filter(({ status }) => status !== 201).map(({ status, body }) => ({ status, body })),
    ).toEqual([]);
    expect(new Set(distinct.map(({ body }) => body.id)).size).toBe(DISTINCT);
  });

  it(`${SAME} parallel registrations of one name (any case): exactly one 201, every other 409`, () => {
    const statuses = same.map(({ status }) => status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(SAME - 1);
    for (const refused of same.filter(({ status }) => status === 409)) {
      expect(refused.contentType).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 409, title: 'Conflict' });
    }
  });

  it("the one stored record is the winner's: its password logs in, a loser's does not", async () => {
    const winner = same.find(({ status }) => status === 201);
    const loser = same.find(({ status }) => status === 409);
    if (winner === undefined || loser === undefined) throw new Error('expected a winner and a loser');
    const { body } = await api.login('/session', sharedName.toLowerCase(), winner.password);
    expect(body).toEqual({ user: winner.body });
    const refused = await api.post('/token/login', { username: sharedName, password: loser.password });
    expect(refused.status).toBe(401);
  });

  it('the store is healthy after the burst', async () => {
    expect((await api.get('/health')).status).toBe(200);
  });
}

(storeProgramsAvailable({ postgres: true }) ? describe : describe.skip)(
  'concurrent registrations on PostgreSQL',
  () => racingRegistrations(true),
);

describe('concurrent registrations on the embedded store (in process)', () => racingRegistrations(false));
