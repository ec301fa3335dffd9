import { fileURLToPath } from 'node:url';
import type { ApiHandle } from '../api-process.js';
import type { RunContext } from '../context.js';
import { httpRequest } from '../http.js';
import type { RoundRoute } from '../rounds.js';

/**
 * The peers of the HTTP benchmark: separate processes pinned like the API, each verifying the
 * same HS256 access token the API issued (same secret, issuer, audience), measured in the same
 * rounds as the authbench configuration they compare with.
 */
export type Platform = 'express' | 'fastify';
export type PeerKind = 'lean-nest' | 'nest-sample' | 'bare-jwt';
export type PeerRouteKey = 'lean-public' | 'lean-jwt' | 'sample-jwt' | 'bare-jwt';

export const PEER_ROUTES: Readonly<Record<PeerKind, readonly PeerRouteKey[]>> = {
  'lean-nest': ['lean-public', 'lean-jwt'],
  'nest-sample': ['sample-jwt'],
  'bare-jwt': ['bare-jwt'],
};

/** How each peer route is labelled in the report. */
export function peerRouteLabel(route: PeerRouteKey, platform: Platform): string {
  switch (route) {
    case 'lean-public':
      return `lean Nest on ${platform}: public GET /strategies (same body), no logging, no extras`;
    case 'lean-jwt':
      return `lean Nest on ${platform}: GET /jwt/protected, jsonwebtoken with a KeyObject, HS256 pinned, exp/iss/aud checked`;
    case 'sample-jwt':
      return 'NestJS-sample style on express: @nestjs/passport JwtStrategy (passport-jwt), secret as a string';
    case 'bare-jwt':
      return 'the limit: bare node:http verifying the same HS256 JWT (KeyObject, exp/iss/aud), no framework';
  }
}

const SCRIPTS: Readonly<Record<PeerKind, string>> = {
  'lean-nest': fileURLToPath(new URL('./lean-nest.js', import.meta.url)),
  'nest-sample': fileURLToPath(new URL('./nest-sample.js', import.meta.url)),
  'bare-jwt': fileURLToPath(new URL('../bare-jwt-server.js', import.meta.url)),
};

export interface StartedPeer {
  readonly routes: readonly RoundRoute<PeerRouteKey>[];
  stop(): Promise<void>;
}

/** The issuer and audience of a token the API issued: the peers check exactly what the app checks. */
function claimsOf(token: string): { iss?: string; aud?: string } {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      iss?: unknown;
      aud?: unknown;
    };
    return {
      ...(typeof claims.iss === 'string' ? { iss: claims.iss } : {}),
      ...(typeof claims.aud === 'string' ? { aud: claims.aud } : {}),
    };
  } catch {
    // Not a JWT: the peer then answers 401 and the load run's status check says so.
    return {};
  }
}

export async function startPeer(
  ctx: RunContext,
  api: ApiHandle,
  kind: PeerKind,
  platform: Platform,
): Promise<StartedPeer> {
  const credential = await api.credential('jwt');
  const { iss, aud } = claimsOf(credential.value);
  const secret = ctx.fixtures.secrets.jwt;
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', NODE_ENV: 'production' };
  if (kind === 'bare-jwt') {
    env.BARE_JWT_SECRET = secret;
    if (iss !== undefined) env.BARE_JWT_ISSUER = iss;
    if (aud !== undefined) env.BARE_JWT_AUDIENCE = aud;
  } else {
    env.PEER_JWT_SECRET = secret;
    env.PEER_PLATFORM = platform;
    if (iss !== undefined) env.PEER_JWT_ISSUER = iss;
    if (aud !== undefined) env.PEER_JWT_AUDIENCE = aud;
    env.PEER_PUBLIC_BODY = (await httpRequest(`${api.baseUrl}/strategies`)).body;
  }
  const managed = ctx.registry.spawn({
    name: `peer ${kind} (${platform})`,
    command: process.execPath,
    args: [SCRIPTS[kind]],
    cpus: ctx.cpu.serverCpus,
    env,
  });
  try {
    const match = await managed.waitForOutput(/listening on (http:\/\/\S+)/, 60_000);
    const base = match[1] ?? '';
    const servers = [{ name: 'api', pid: managed.pid }];
    const routes = PEER_ROUTES[kind].map(
      (key): RoundRoute<PeerRouteKey> => ({
        key,
        label: peerRouteLabel(key, platform),
        spec:
          key === 'lean-public'
            ? { url: `${base}/strategies`, servers }
            : {
                url: kind === 'bare-jwt' ? `${base}/` : `${base}/jwt/protected`,
                headers: credential.headers,
                servers,
              },
      }),
    );
    return { routes, stop: () => managed.stop() };
  } catch (error) {
    await managed.stop();
    throw error;
  }
}
