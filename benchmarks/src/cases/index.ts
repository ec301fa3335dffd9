import type { Family } from '../lib/context.js';
import { httpThroughput } from './http-throughput.js';
import { itsdangerous } from './itsdangerous.js';
import { jwtLibraries } from './jwt-libraries.js';
import { loginCost } from './login-cost.js';
import { manyCredentials } from './many-credentials.js';
import { openLoop } from './open-loop.js';
import { refresh } from './refresh.js';
import { revocationLatency } from './revocation-latency.js';
import { revocationScale } from './revocation-scale.js';
import { scaleModel } from './scale-model.js';
import { serverState } from './server-state.js';
import { storeDistance } from './store-distance.js';
import { tutorialPeer } from './tutorial-peer.js';
import { verifyCost } from './verify-cost.js';

/** Every family, in run order: the in-process ones first, before any server is started. */
export const FAMILIES: readonly Family[] = [
  verifyCost,
  revocationScale,
  refresh,
  loginCost,
  manyCredentials,
  itsdangerous,
  jwtLibraries,
  httpThroughput,
  storeDistance,
  serverState,
  revocationLatency,
  tutorialPeer,
  openLoop,
  // After http-throughput: it reads that family's CPU per request when it ran.
  scaleModel,
];
