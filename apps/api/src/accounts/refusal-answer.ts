import type { ServerResponse } from 'node:http';
import { type EarlyRefusal, type EarlyRefusalReason, earlyRefusalProblem } from '@authbench/auth-accounts';

const REASONS: readonly EarlyRefusalReason[] = [
  'too-many-attempts',
  'too-many-registrations',
  'hash-capacity',
];

interface PreparedAnswer {
  readonly status: number;
  readonly body: Buffer;
  readonly length: string;
}

/**
 * The problem+json answer of each early refusal, made once from the error the normal path throws
 * for the same reason (`earlyRefusalProblem`), so both paths answer with the same bytes. Written
 * with one `writeHead` and one `end` on Node's response: no exception filter, no `res.send`, no
 * ETag, no `Error`. The security headers are already on the response (the front door sets them
 * before any check; on fastify the hook copies them from the reply); a login's refusal also
 * carries `Cache-Control: no-store`, as the login route's answers do.
 */
const ANSWERS = new Map<EarlyRefusalReason, PreparedAnswer>(
  REASONS.map((reason) => {
    const problem = earlyRefusalProblem({ reason, retryAfterSeconds: 1 });
    const body = Buffer.from(JSON.stringify(problem.toProblem()));
    return [reason, { status: problem.status, body, length: String(body.length) }];
  }),
);

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

export function writeRefusal(response: ServerResponse, refusal: EarlyRefusal, login: boolean): void {
  const answer = ANSWERS.get(refusal.reason) as PreparedAnswer;
  const headers: Record<string, string> = {
    'Content-Type': PROBLEM_JSON,
    'Content-Length': answer.length,
    'Retry-After': String(refusal.retryAfterSeconds),
  };
  if (login) headers['Cache-Control'] = 'no-store';
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}
