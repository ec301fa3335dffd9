import { describe, expect, it } from '@jest/globals';
import { credentialRequestOf, type HttpRequest } from '../src/index.js';

describe('credentialRequestOf', () => {
  it("gives a Node request (express's) as it is", () => {
    const request: HttpRequest = { method: 'GET', url: '/x', headers: {}, rawHeaders: ['Host', 'a'] };
    expect(credentialRequestOf(request)).toBe(request);
  });

  it("reads a wrapping request (fastify's): Node's raw headers, the platform's protocol and host when asked", () => {
    const platform = {
      method: 'POST',
      url: '/session/login',
      headers: { host: 'inner:3000', authorization: 'Bearer x' },
      raw: { rawHeaders: ['Host', 'inner:3000', 'Authorization', 'Bearer x'] },
      protocol: 'http',
      host: 'inner:3000',
    };
    const seen = credentialRequestOf(platform) as HttpRequest & { protocol?: string; host?: string };
    expect(seen).not.toBe(platform);
    expect(seen.method).toBe('POST');
    expect(seen.headers).toBe(platform.headers);
    expect(seen.rawHeaders).toBe(platform.raw.rawHeaders);
    expect([seen.protocol, seen.host]).toEqual(['http', 'inner:3000']);
    // fastify derives them per access (TRUST_PROXY): the view must not have copied them.
    platform.protocol = 'https';
    platform.host = 'public.example';
    expect([seen.protocol, seen.host]).toEqual(['https', 'public.example']);
  });
});
