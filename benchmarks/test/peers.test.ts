import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';

/**
 * The Nest peers verify what they claim: the lean app rejects every token authbench would
 * reject (bad signature, expired, wrong issuer or audience, another algorithm, none), and the
 * sample style behaves as the docs' recipe (signature and exp only). Built with tsc into a
 * scratch directory beside dist/ (same depth, as the harness test does) and run as processes,
 * exactly as the benchmark runs them.
 */
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const BUILD = join(PACKAGE, '.test-peers-dist');
const SECRET = 'peer-test-secret-peer-test-secret-0123456789';
const ISSUER = 'authbench';
const AUDIENCE = 'authbench-api';
const PUBLIC_BODY = { strategies: ['session', 'jwt'], note: 'same body as GET /strategies' };
// tsc of the package takes most of it; the machine is a loaded 2-core VM.
const FIVE_MINUTES = 300_000;

const children: ChildProcess[] = [];

async function startPeer(script: string, platform: string): Promise<string> {
  const child = spawn(process.execPath, [join(BUILD, 'lib/peers', script)], {
    env: {
      PATH: process.env.PATH ?? '',
      PEER_PLATFORM: platform,
      PEER_JWT_SECRET: SECRET,
      PEER_JWT_ISSUER: ISSUER,
      PEER_JWT_AUDIENCE: AUDIENCE,
      PEER_PUBLIC_BODY: JSON.stringify(PUBLIC_BODY),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
}

function token(overrides: jwt.SignOptions = {}, secret = SECRET): string {
  return jwt.sign({ sub: 'u-1', username: 'alice' }, secret, {
    algorithm: 'HS256',
    expiresIn: 300,
    issuer: ISSUER,
    audience: AUDIENCE,
    ...overrides,
  });
}

async function get(url: string, bearer?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
  });
  return { status: response.status, body: await response.json() };
}

const GREETING = {
  message: 'Hello, alice: this response needed a valid jwt credential.',
  strategy: 'jwt',
  user: { id: 'u-1', username: 'alice' },
};

/** Tokens every correct verifier of this issuer/audience must refuse, by name. */
function forgeries(): Record<string, string> {
  const valid = token();
  const [header, payload] = valid.split('.');
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
  return {
    'wrong secret': token({}, 'another-secret-another-secret-another-secret'),
    expired: jwt.sign({ sub: 'u-1', username: 'alice', exp: Math.floor(Date.now() / 1000) - 60 }, SECRET, {
      issuer: ISSUER,
      audience: AUDIENCE,
    }),
    'alg none': none,
    'signature cut': `${header}.${payload}.`,
  };
}

beforeAll(() => {
  const tsc = spawnSync(
    process.execPath,
    [join(PACKAGE, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD],
    { cwd: PACKAGE, encoding: 'utf8' },
  );
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
}, FIVE_MINUTES);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(BUILD, { recursive: true, force: true });
});

describe.each(['express', 'fastify'])('lean Nest peer on %s', (platform) => {
  let base = '';
  beforeAll(async () => {
    base = await startPeer('lean-nest.js', platform);
  }, FIVE_MINUTES);

  it('serves the public route with the given body', async () => {
    expect(await get(`${base}/strategies`)).toEqual({ status: 200, body: PUBLIC_BODY });
  });

  it('accepts a valid token and answers the protected shape', async () => {
    expect(await get(`${base}/jwt/protected`, token())).toEqual({ status: 200, body: GREETING });
  });

  it('refuses no credential, forgeries, a wrong issuer and a wrong audience with 401', async () => {
    const refused = {
      ...forgeries(),
      'wrong issuer': token({ issuer: 'someone-else' }),
      'wrong audience': token({ audience: 'another-api' }),
    };
    expect((await get(`${base}/jwt/protected`)).status).toBe(401);
    for (const [name, credential] of Object.entries(refused)) {
      expect({ name, status: (await get(`${base}/jwt/protected`, credential)).status }).toEqual({
        name,
        status: 401,
      });
    }
  });
});

describe('NestJS-sample style peer', () => {
  let base = '';
  beforeAll(async () => {
    base = await startPeer('nest-sample.js', 'express');
  }, FIVE_MINUTES);

  it('accepts a valid token and answers the protected shape', async () => {
    expect(await get(`${base}/jwt/protected`, token())).toEqual({ status: 200, body: GREETING });
  });

  it('refuses no credential and forgeries with 401, as the recipe does', async () => {
    expect((await get(`${base}/jwt/protected`)).status).toBe(401);
    for (const [name, credential] of Object.entries(forgeries())) {
      expect({ name, status: (await get(`${base}/jwt/protected`, credential)).status }).toEqual({
        name,
        status: 401,
      });
    }
  });
});
