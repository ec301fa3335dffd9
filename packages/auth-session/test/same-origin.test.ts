import { CrossSiteRequestError } from '@authbench/auth-core';
import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { assertSameOrigin, isSafeMethod } from '../src/lib/same-origin.js';

function request(
  method: string,
  headers: Record<string, string>,
  protocol = 'http',
  host = 'api.example:3000',
): Request {
  return { method, headers, protocol, host } as unknown as Request;
}

function refusal(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return null;
}

describe('assertSameOrigin', () => {
  it.each(['GET', 'HEAD', 'OPTIONS', 'get'])('never checks the safe method %s', (method) => {
    expect(isSafeMethod(method)).toBe(true);
    expect(() =>
      assertSameOrigin(request(method, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })),
    ).not.toThrow();
  });

  it.each([
    ['POST', { origin: 'http://api.example:3000' }],
    ['POST', { origin: 'HTTP://API.EXAMPLE:3000' }],
    ['DELETE', { origin: 'http://api.example:3000', 'sec-fetch-site': 'same-origin' }],
    ['POST', { 'sec-fetch-site': 'same-origin' }],
    ['POST', { 'sec-fetch-site': 'none' }],
    ['POST', {}],
  ])('allows %s with %j', (method, headers) => {
    expect(() => assertSameOrigin(request(method, headers))).not.toThrow();
  });

  it.each([
    [{ origin: 'https://evil.example' }],
    [{ origin: 'http://api.example:3001' }],
    [{ origin: 'https://api.example:3000' }],
    [{ origin: 'http://sub.api.example:3000' }],
    [{ origin: 'null' }],
    [{ origin: '' }],
    [{ origin: 'garbage' }],
    [{ origin: 'file:///etc/passwd' }],
    [{ 'sec-fetch-site': 'cross-site' }],
    [{ 'sec-fetch-site': 'Cross-Site' }],
    [{ origin: 'http://api.example:3000', 'sec-fetch-site': 'cross-site' }],
  ])('refuses a POST with %j as CrossSiteRequestError 403', (headers) => {
    const error = refusal(() => assertSameOrigin(request('POST', headers)));
    expect(error).toBeInstanceOf(CrossSiteRequestError);
    expect(error).toMatchObject({ name: 'CrossSiteRequestError', status: 403 });
  });

  it('compares with the default port elided and honours the allow-list', () => {
    expect(() =>
      assertSameOrigin(request('POST', { origin: 'https://api.example' }, 'https', 'api.example:443')),
    ).not.toThrow();
    const allowed = new Set(['https://app.example']);
    expect(() => assertSameOrigin(request('POST', { origin: 'https://app.example' }), allowed)).not.toThrow();
    expect(
      refusal(() => assertSameOrigin(request('POST', { origin: 'https://other.example' }), allowed)),
    ).toBeInstanceOf(CrossSiteRequestError);
  });

  it('fails closed when the request has no host to compare with', () => {
    const noHost = {
      method: 'POST',
      headers: { origin: 'http://api.example:3000' },
      protocol: 'http',
    } as unknown as Request;
    expect(refusal(() => assertSameOrigin(noHost))).toBeInstanceOf(CrossSiteRequestError);
  });
});
