import { Agent, request } from 'node:http';
import { STRATEGY_NAMES } from '@authbench/api';

/** A strategy of the app's catalog: every HTTP case runs every strategy the app can mount. */
export type StrategyName = string;
export const STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES;

/** A credential as a client sends it on every request. */
export interface Credential {
  readonly strategy: StrategyName;
  /** The credential itself: cookie value `sid=…`, or the bearer token. */
  readonly value: string;
  /** The request header that carries it (`cookie` or `authorization`) and its value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly refreshToken?: string;
}

export interface SimpleResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });

type RequestOptions = {
  method?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  timeoutMs?: number;
};

/**
 * One HTTP request over a keep-alive connection (no fetch: its overhead would blur latencies).
 * A reused idle socket the server closed at the same moment fails with ECONNRESET before any
 * byte of the request was processed (Node's documented keep-alive race); that case alone is
 * retried once, on a fresh socket.
 */
export async function httpRequest(url: string, options: RequestOptions = {}): Promise<SimpleResponse> {
  try {
    return await attempt(url, options);
  } catch (error) {
    if (error instanceof ReusedSocketReset) return attempt(url, options);
    throw error;
  }
}

class ReusedSocketReset extends Error {}

function attempt(url: string, options: RequestOptions): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body;
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: keepAlive,
        headers: {
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
          ...options.headers,
        },
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${options.method ?? 'GET'} ${url}`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      reject(req.reusedSocket && error.code === 'ECONNRESET' ? new ReusedSocketReset(error.message) : error);
    });
    req.end(body);
  });
}

export function postJson(url: string, value: unknown, headers: Readonly<Record<string, string>> = {}) {
  return httpRequest(url, { method: 'POST', body: JSON.stringify(value), headers });
}

/** Registers the user; an existing one (409, a shared database) is fine. */
export async function ensureUser(baseUrl: string, username: string, password: string): Promise<void> {
  const response = await postJson(`${baseUrl}/register`, { username, password });
  if (response.status !== 201 && response.status !== 409) {
    throw new Error(`POST /register answered ${response.status}: ${response.body}`);
  }
}

function jsonObject(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new TypeError('expected a JSON object');
  return parsed as Record<string, unknown>;
}

/** Logs in with one strategy of an authbench API and returns the credential a client would send. */
export async function login(
  baseUrl: string,
  strategy: StrategyName,
  username: string,
  password: string,
  prefix = `/${strategy}`,
): Promise<Credential> {
  const response = await postJson(`${baseUrl}${prefix}/login`, { username, password });
  if (response.status !== 200)
    throw new Error(`POST ${prefix}/login answered ${response.status}: ${response.body}`);
  // A cookie strategy answers with Set-Cookie; a bearer strategy with a token in the body.
  const setCookie = response.headers['set-cookie'];
  const first = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0];
  if (first !== undefined) return { strategy, value: first, headers: { cookie: first } };
  const body = jsonObject(response.body);
  const token = body.token;
  if (typeof token !== 'string') throw new Error(`${prefix}/login returned no token`);
  const refreshToken = typeof body.refreshToken === 'string' ? body.refreshToken : undefined;
  return {
    strategy,
    value: token,
    headers: { authorization: `Bearer ${token}` },
    ...(refreshToken === undefined ? {} : { refreshToken }),
  };
}

/** Waits until `url` answers (any status), e.g. after a server printed that it listens. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await httpRequest(url, { timeoutMs: 2_000 });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

export function closeHttpAgent(): void {
  keepAlive.destroy();
}
