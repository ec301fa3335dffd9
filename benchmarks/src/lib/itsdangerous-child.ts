// One round of the itsdangerous family's JavaScript contenders (the port, the node:crypto
// baseline) in a fresh process, as the Python contender already is. The harness's own process
// has run every earlier family by then, and their calls into the same library leave its JIT and
// heap shaped by other work: the last full run measured the port's loads at 15 µs there, against
// 4–6 µs in a process of its own.

import { URLSafeTimedSerializer } from '@authbench/itsdangerous';
import { type CpuSampleOptions, cpuMicrosecondsPerCall } from './in-process-rounds.js';
import { serveIpc } from './ipc.js';
import { NodeTimedSerializer } from './node-itsdangerous.js';

/** What the parent sends: one contender, one digest, the same payload and token for all. */
interface RoundRequest {
  readonly contender: 'port' | 'node-crypto';
  readonly digest: 'sha1' | 'sha256';
  readonly secret: string;
  readonly salt: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly token: string;
  readonly maxAge: number;
  readonly sample: CpuSampleOptions;
}

/** CPU µs per call of `loads` and `dumps` for one contender. */
export interface RoundFigures {
  readonly loads: number;
  readonly dumps: number;
}

function operationsOf(request: RoundRequest): { loads: () => unknown; dumps: () => unknown } {
  const { secret, salt, digest, payload, token, maxAge } = request;
  if (request.contender === 'port') {
    const port = new URLSafeTimedSerializer(secret, { salt, signerKwargs: { digestMethod: digest } });
    return { loads: () => port.loads(token, { maxAge }), dumps: () => port.dumps(payload) };
  }
  const node = new NodeTimedSerializer(secret, { salt, digest });
  return { loads: () => node.loads(token, maxAge), dumps: () => node.dumps(payload) };
}

serveIpc(async (message) => {
  const request = message as unknown as RoundRequest;
  const operations = operationsOf(request);
  // A contender that cannot read the parent's token would be timing its error path.
  if (JSON.stringify(operations.loads()) !== JSON.stringify(request.payload)) {
    throw new Error(`${request.contender} (${request.digest}) does not load the port's token`);
  }
  const figures: RoundFigures = {
    loads: cpuMicrosecondsPerCall(operations.loads, request.sample),
    dumps: cpuMicrosecondsPerCall(operations.dumps, request.sample),
  };
  return figures;
});
