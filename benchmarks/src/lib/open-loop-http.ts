import { Agent, request } from 'node:http';
import type { Outcome } from './open-loop.js';

/**
 * The open-loop generator's `send` over node:http with keep-alive. The agent's socket pool is
 * large (`maxSockets`) so that a slow reply never holds back the next scheduled request; past
 * the pool, requests wait in the agent's queue — and that wait is counted, since latency runs
 * from the scheduled time.
 */
export function httpSender(
  url: string,
  headers: Readonly<Record<string, string>>,
  maxSockets: number,
): { send: (signal: AbortSignal) => Promise<Exclude<Outcome, 'timeout'>>; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const send = (signal: AbortSignal) =>
    new Promise<Exclude<Outcome, 'timeout'>>((resolve) => {
      const req = request(url, { agent, headers: { ...headers }, signal }, (res) => {
        const status = res.statusCode ?? 0;
        // The body is read to its end (the request is done only then) and dropped.
        res.resume();
        res.on('end', () => resolve(status >= 200 && status < 300 ? 'ok' : 'non2xx'));
        res.on('error', () => resolve('error'));
      });
      // An abort (the time-out) lands here too; runOpenLoop knows it timed out and says so.
      req.on('error', () => resolve('error'));
      req.end();
    });
  return { send, close: () => agent.destroy() };
}
