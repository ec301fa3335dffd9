// One server-state measurement in a fresh process: a parent's heap carries every earlier
// case's garbage and JIT state, which made per-login deltas come out negative. The parent
// forks this file per strategy and size, asks once over IPC, and the child exits.

import type { Fixtures } from './fixtures.js';
import { fullGc } from './gc.js';
import { serveIpc } from './ipc.js';
import { stateUserOf } from './state-bytes.js';
import { buildStrategy, issueCredential, MapUsers } from './strategies.js';

/** Repeated readings per side: their spread is the noise floor. */
const READINGS = 5;

/** heapUsed + external after a full collection: JS objects and the buffers they hold. */
function readings(): number[] {
  const values: number[] = [];
  for (let index = 0; index < READINGS; index += 1) {
    fullGc();
    const usage = process.memoryUsage();
    values.push(usage.heapUsed + usage.external);
  }
  return values;
}

serveIpc(async (request) => {
  const fixtures = request.fixtures as Fixtures;
  const strategyName = String(request.strategy);
  const size = Number(request.size);
  const kept = Number(request.kept);
  const users = new MapUsers();
  for (let index = 0; index < size; index += 1) users.add(stateUserOf(index).id, stateUserOf(index).username);
  const strategy = await buildStrategy(fixtures, strategyName, { users, redis: null });
  // Logins made before the first reading (as the parent keeps them) are not counted.
  const held: string[] = [];
  for (let index = 0; index < Math.min(kept, size); index += 1) {
    held.push((await issueCredential(strategy, stateUserOf(index))).credential);
  }
  const before = readings();
  // The new logins' credentials are dropped at once: a client holds them, the server does not.
  for (let index = held.length; index < size; index += 1) await issueCredential(strategy, stateUserOf(index));
  const after = readings();
  const reported = (await strategy.serverState())?.records ?? null;
  return { before, after, logins: size - held.length, reported };
});
