import { SettingsError } from '@authbench/auth-core';
import { describe, expect, it } from '@jest/globals';
import { OpaqueTokenStrategy, opaqueTokenStrategy } from '../src/index.js';

const app = { production: false, cookieSecure: false, sharedUserStore: false };

describe('opaqueTokenStrategy descriptor', () => {
  it('reads OPAQUE_TTL (default 3600) and needs no secret', () => {
    expect(opaqueTokenStrategy.parseSettings({}, app)).toEqual({ ttlSeconds: 3600 });
    const settings = opaqueTokenStrategy.parseSettings({ OPAQUE_TTL: '60' }, app);
    expect(settings).toEqual({ ttlSeconds: 60 });
    expect(opaqueTokenStrategy.secretVariables).toEqual([]);
    expect(opaqueTokenStrategy.secretsInUse(settings)).toEqual([]);
    expect(opaqueTokenStrategy.variables.map((variable) => variable.name)).toEqual(['OPAQUE_TTL']);
  });

  it('refuses a bad OPAQUE_TTL naming the variable', () => {
    expect(() => opaqueTokenStrategy.parseSettings({ OPAQUE_TTL: '1h' }, app)).toThrow(SettingsError);
    expect(() => opaqueTokenStrategy.parseSettings({ OPAQUE_TTL: '0' }, app)).toThrow(/OPAQUE_TTL/);
  });

  it('creates an in-process strategy without Redis', async () => {
    const mounted = await opaqueTokenStrategy.create({
      settings: { ttlSeconds: 60 },
      app,
      secrets: {},
      infrastructure: { redis: null, now: Date.now },
      warn: () => undefined,
    });
    expect(mounted.strategy).toBeInstanceOf(OpaqueTokenStrategy);
    expect(mounted.strategy.name).toBe('opaque');
    await expect(mounted.strategy.serverState()).resolves.toEqual({ records: 0, unit: 'token record' });
  });

  it('describes the credential as two labelled segments', () => {
    const page = opaqueTokenStrategy.describeForPage({ ttlSeconds: 90 }, app);
    expect(page.lifetimeSeconds).toBe(90);
    expect(page.credential).toEqual({
      format: 'segments',
      separator: '.',
      segments: [
        { name: 'id', meaning: 'names the server-side record' },
        { name: 'secret', meaning: '128+ random bits; the server keeps only its SHA-256' },
      ],
    });
    expect(opaqueTokenStrategy.loginResponseSchema).toMatchObject({
      required: ['token', 'tokenType', 'expiresIn'],
    });
  });
});
