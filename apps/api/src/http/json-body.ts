import type { IncomingMessage } from 'node:http';

/** CONTRACT §2: request bodies over 16 KiB are refused with 413 (both platforms). */
export const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * An error worded and shaped like body-parser's (http-errors: `status`, `expose`, `type`), so
 * the problem filter answers a fastify body exactly as an express one.
 */
function bodyError(status: number, type: string, message: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}

/** body-parser's `strict` rule: the first non-blank character opens an object or an array. */
const STRICT_START = /^[ \t\n\r]*[[{]/;

function charsetOf(request: IncomingMessage): string {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(request.headers['content-type'] ?? '');
  return (match?.[1] ?? 'utf-8').toLowerCase();
}

/**
 * fastify's parser for `application/json`, with body-parser's json rules as express applies
 * them (`strict`, UTF-8 only, an empty body is `{}`). Parses with plain `JSON.parse`, as
 * body-parser does; fastify enforces the byte limit (`bodyLimit`) before this runs.
 * Compressed bodies (`Content-Encoding`), which body-parser inflates, are refused with 415.
 */
export function parseJsonBody(request: IncomingMessage, body: string): unknown {
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    throw bodyError(415, 'encoding.unsupported', `unsupported content encoding "${encoding}"`);
  }
  const charset = charsetOf(request);
  if (!charset.startsWith('utf-')) {
    throw bodyError(415, 'charset.unsupported', `unsupported charset "${charset.toUpperCase()}"`);
  }
  if (body.length === 0) return {};
  if (!STRICT_START.test(body)) throw bodyError(400, 'entity.parse.failed', 'invalid JSON');
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw bodyError(400, 'entity.parse.failed', 'invalid JSON');
  }
}
