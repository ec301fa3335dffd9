import { type Agent, request } from 'node:http';
/** A credential as a client holds it: the session cookie or a bearer token. */
export interface Credential {
  readonly kind: 'cookie' | 'bearer';
  readonly value: string;
  /** The cookie's name (`sid`, or `__Host-sid` when Secure). */
  readonly cookieName?: string;
}

export interface LoginResult {
  readonly response: Response;
  readonly body: Record<string, unknown>;
  readonly credential: Credential;
}

export function headersFor(credential: Credential | null): Record<string, string> {
  if (credential === null) return {};
  return credential.kind === 'cookie'
    ? { cookie: `${credential.cookieName ?? 'sid'}=${credential.value}` }
    : { authorization: `Bearer ${credential.value}` };
}

/**
 * Flips one character of the signature part, keeping the credential well-formed. A session
 * cookie travels percent-encoded (`s%3A…`, and `%2F`/`%2B` inside its base64 signature), so
 * the flip is made on the decoded value and encoded again: flipping a hex digit of `%2F`
 * would make an invalid escape, a malformed credential rather than a bad signature.
 */
export function tamper(credential: Credential): Credential {
  const decoded = credential.kind === 'cookie' ? decodeURIComponent(credential.value) : credential.value;
  const index = decoded.length - 3;
  const replacement = decoded[index] === 'A' ? 'B' : 'A';
  const flipped = `${decoded.slice(0, index)}${replacement}${decoded.slice(index + 1)}`;
  return { ...credential, value: credential.kind === 'cookie' ? encodeURIComponent(flipped) : flipped };
}

/** Reads the session cookie (name and raw value) from Set-Cookie. */
export function sessionCookieOf(
  response: Response,
): { name: string; value: string; attributes: string } | null {
  for (const line of response.headers.getSetCookie()) {
    const match = /^((?:__Host-)?sid)=([^;]*)(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined && match[2] !== '') {
      return { name: match[1], value: match[2], attributes: match[3] ?? '' };
    }
  }
  return null;
}

let clientAddresses = 0;

/**
 * A loopback source address no other call has used in this test process (Linux routes all of
 * 127.0.0.0/8 to loopback): a request from it is another client, as far as the API's
 * per-address limits can tell.
 */
export function newClientAddress(): string {
  clientAddresses += 1;
  return `127.4.${Math.floor(clientAddresses / 250) % 250}.${(clientAddresses % 250) + 1}`;
}

/**
 * POST JSON from a chosen source address, answered as a fetch `Response`: on one fresh
 * connection, or on `agent`'s kept-alive ones (an `http.Agent` created with that `localAddress`).
 */
export function postFrom(
  baseUrl: string,
  from: string,
  path: string,
  body: unknown,
  agent?: Agent,
): Promise<Response> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        localAddress: from,
        agent: agent ?? false,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
              headers.append(name, one);
            }
          }
          const status = incoming.statusCode ?? 0;
          const text = Buffer.concat(chunks);
          resolve(new Response(status === 204 ? null : text, { status, headers }));
        });
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    // A request on a connection that never answers (its process died) fails instead of hanging.
    outgoing.setTimeout(30_000, () => outgoing.destroy(new Error('no answer within 30 s')));
    outgoing.end(payload);
  });
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { headers });
  }

  async register(username: string, password: string): Promise<{ id: string; username: string }> {
    // Each registration comes from its own address, as people signing up do: the per-address
    // registration limit is what login-limits.e2e tests, not what the suites using this do.
    const response = await postFrom(this.baseUrl, newClientAddress(), '/register', { username, password });
    if (response.status !== 201)
      throw new Error(`register ${username}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; username: string };
  }

  async login(prefix: string, username: string, password: string): Promise<LoginResult> {
    const response = await this.post(`${prefix}/login`, { username, password });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200)
      throw new Error(`login ${prefix}: ${response.status} ${JSON.stringify(body)}`);
    const cookie = sessionCookieOf(response);
    const credential: Credential =
      cookie !== null
        ? { kind: 'cookie', value: cookie.value, cookieName: cookie.name }
        : { kind: 'bearer', value: String(body.token) };
    return { response, body, credential };
  }
}

let counter = 0;
/** A username no other test uses. */
export function uniqueUsername(stem: string): string {
  counter += 1;
  return `${stem}-${process.pid}-${counter}`;
}
