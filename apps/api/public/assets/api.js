// One wrapper around fetch: measures latency, parses JSON and problem+json, never throws for
// an HTTP status (a 401 is a result to show, not an error).

/**
 * @typedef {object} ApiResult
 * @property {string} method
 * @property {string} path
 * @property {number} status  0 when the request never got an answer
 * @property {string} statusText
 * @property {boolean} ok
 * @property {number} latencyMs  request sent → response body read
 * @property {unknown} body  parsed JSON, the text, or null for an empty body
 * @property {{type: string, title: string, status: number, detail: string} | null} problem
 * @property {string | null} wwwAuthenticate
 */

/** @returns {Promise<ApiResult>} */
export async function call(method, path, { body, bearer } = {}) {
  const headers = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const started = performance.now();
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    return {
      method,
      path,
      status: 0,
      statusText: `no response (${error instanceof Error ? error.message : String(error)})`,
      ok: false,
      latencyMs: performance.now() - started,
      body: null,
      problem: null,
      wwwAuthenticate: null,
    };
  }
  const text = await response.text();
  const latencyMs = performance.now() - started;
  const type = response.headers.get('content-type') ?? '';
  let parsed = text.length === 0 ? null : text;
  if (text.length > 0 && /json/.test(type)) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  const problem =
    type.startsWith('application/problem+json') && parsed !== null && typeof parsed === 'object'
      ? parsed
      : null;
  return {
    method,
    path,
    status: response.status,
    statusText: response.statusText || STATUS_TEXT[response.status] || '',
    ok: response.ok,
    latencyMs,
    body: parsed,
    problem,
    wwwAuthenticate: response.headers.get('www-authenticate'),
  };
}

// HTTP/2 and some proxies send no reason phrase; the page still names the status.
const STATUS_TEXT = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

const PROBLEM_PREFIX = 'urn:authbench:problem:';

/** Why the API refused, in a sentence a learner can act on, keyed by the problem code. */
const REASONS = {
  'missing-credential': 'No credential was sent, so there was nothing to check.',
  'malformed-credential':
    'The credential is not in this strategy’s format, so it was refused before any check.',
  'invalid-signature':
    'The signature does not match the content: the credential was changed, or signed with a key this server does not hold.',
  expired: 'The credential outlived its lifetime. The signature is still fine — time alone ended it.',
  'not-yet-valid':
    'The credential claims to be issued in the future (or to start later), so it is not valid yet.',
  'invalid-claims':
    'The signature checks, but a claim (issuer, audience, token type…) is not what this server requires.',
  revoked: 'The credential is genuine and unexpired, but the server remembers that it was logged out.',
  'unknown-user': 'The credential names a user who no longer exists.',
  'wrong-strategy': 'This credential was issued by another strategy and means nothing here.',
  'invalid-credentials': 'Wrong username or password (the API does not say which).',
  'username-taken': 'That username is registered already — if it is yours, just log in.',
  'invalid-request': 'The request body does not satisfy the contract.',
  'too-many-attempts': 'Too many failed logins: wait a little and try again.',
  'store-unavailable':
    'A store this strategy needs is down; the API fails closed rather than let the request through.',
  'cross-site-request': 'A cookie-authenticated change from another site was refused (CSRF protection).',
};

/** `{ code, explanation }` for a problem+json body, or null for a success. */
export function reasonOf(problem) {
  if (problem === null || typeof problem !== 'object') return null;
  const type = typeof problem.type === 'string' ? problem.type : '';
  const code = type.startsWith(PROBLEM_PREFIX) ? type.slice(PROBLEM_PREFIX.length) : null;
  const explanation = (code && REASONS[code]) || (typeof problem.detail === 'string' ? problem.detail : '');
  return { code, detail: typeof problem.detail === 'string' ? problem.detail : '', explanation };
}
