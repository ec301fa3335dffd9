import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { NotFoundException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  AuthError,
  AuthGuard,
  type AuthStrategy,
  IS_PUBLIC,
  type Principal,
  principalOf,
  ROUTE_STRATEGY,
  StoreUnavailableError,
  StrategyRegistry,
  StrategyResolver,
} from '../src/index.js';
import { PRINCIPAL, strategyOf } from './support/fake-strategy.js';

function fakeStrategy(
  name: string,
  transport: AuthStrategy['transport'],
  outcome: () => Promise<Principal>,
): AuthStrategy {
  return strategyOf({ name, transport, credentialOf: () => 'a-credential', verify: outcome });
}

function contextFor(request: Partial<Request>, metadata: Record<string, unknown>): ExecutionContext {
  const handler = () => undefined;
  for (const [key, value] of Object.entries(metadata)) Reflect.defineMetadata(key, value, handler);
  return {
    getHandler: () => handler,
    getClass: () => class {},
    switchToHttp: () => ({
      getRequest: () => request,
      getResponse: () => ({}) as Response,
      getNext: () => undefined,
    }),
  } as unknown as ExecutionContext;
}

function guardWith(...strategies: AuthStrategy[]): AuthGuard {
  const registry = new StrategyRegistry();
  for (const strategy of strategies) registry.register(strategy);
  return new AuthGuard(new Reflector(), new StrategyResolver(registry));
}

describe('AuthGuard', () => {
  it('lets @Public() routes through without asking any strategy', async () => {
    let asked = false;
    const guard = guardWith(
      fakeStrategy('fake', 'bearer', async () => {
        asked = true;
        return PRINCIPAL;
      }),
    );
    // Synchronously: a public route costs no promise.
    expect(guard.canActivate(contextFor({ params: { strategy: 'fake' } }, { [IS_PUBLIC]: true }))).toBe(true);
    expect(asked).toBe(false);
  });

  it('asks the strategy named by the path and leaves the principal on the request', async () => {
    const guard = guardWith(fakeStrategy('fake', 'bearer', async () => PRINCIPAL));
    const request = { params: { strategy: 'fake' } } as unknown as Request;
    await expect(guard.canActivate(contextFor(request, { [ROUTE_STRATEGY]: ':param' }))).resolves.toBe(true);
    expect(principalOf(request)).toBe(PRINCIPAL);
  });

  it('is default-deny: an unknown strategy is 404, never a pass', async () => {
    const guard = guardWith(fakeStrategy('fake', 'bearer', async () => PRINCIPAL));
    await expect(
      guard.canActivate(
        contextFor({ params: { strategy: 'other' }, method: 'GET', url: '/other/protected' }, {}),
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it.each([
    ['missing_credential', 'Bearer realm="authbench"'],
    ['invalid_signature', 'Bearer realm="authbench", error="invalid_token"'],
    ['expired', 'Bearer realm="authbench", error="invalid_token"'],
  ] as const)(
    'maps %s from a bearer strategy to 401 with the RFC 6750 challenge',
    async (code, challenge) => {
      const guard = guardWith(
        fakeStrategy('fake', 'bearer', async () => {
          throw new AuthError(code);
        }),
      );
      const error = await Promise.resolve(
        guard.canActivate(contextFor({ params: { strategy: 'fake' } }, {})),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ status: 401, code, headers: { 'WWW-Authenticate': challenge } });
    },
  );

  it('adds no bearer challenge for a cookie strategy', async () => {
    const guard = guardWith(
      fakeStrategy('cookie', 'cookie', async () => {
        throw new AuthError('revoked');
      }),
    );
    const error = await Promise.resolve(
      guard.canActivate(contextFor({ params: { strategy: 'cookie' } }, {})),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'revoked', headers: {} });
  });

  it('passes store outages through untouched (503, fail closed)', async () => {
    const outage = new StoreUnavailableError('redis');
    const guard = guardWith(
      fakeStrategy('fake', 'bearer', async () => {
        throw outage;
      }),
    );
    await expect(guard.canActivate(contextFor({ params: { strategy: 'fake' } }, {}))).rejects.toBe(outage);
  });

  it('uses AUTH_DEFAULT for root routes', async () => {
    const registry = new StrategyRegistry();
    registry.register(fakeStrategy('fake', 'bearer', async () => PRINCIPAL));
    registry.setDefault('fake');
    const guard = new AuthGuard(new Reflector(), new StrategyResolver(registry));
    await expect(
      guard.canActivate(contextFor({ params: {} }, { [ROUTE_STRATEGY]: 'default' })),
    ).resolves.toBe(true);
    expect(() => registry.setDefault('missing')).toThrow(TypeError);
  });

  it('reads route metadata per controller: one inherited handler, two bindings', async () => {
    const asked: string[] = [];
    const answering = (name: string) =>
      fakeStrategy(name, 'bearer', async () => {
        asked.push(name);
        return PRINCIPAL;
      });
    const guard = guardWith(answering('one'), answering('two'));
    const handler = () => undefined;
    const controllerFor = (binding: string) => {
      const controller = class {};
      Reflect.defineMetadata(ROUTE_STRATEGY, binding, controller);
      return controller;
    };
    const [first, second] = [controllerFor('one'), controllerFor('two')];
    const contextOf = (controller: object) =>
      ({
        getHandler: () => handler,
        getClass: () => controller,
        switchToHttp: () => ({ getRequest: () => ({ params: {} }) }),
      }) as unknown as ExecutionContext;
    for (const controller of [first, second, first, second]) {
      await expect(Promise.resolve(guard.canActivate(contextOf(controller)))).resolves.toBe(true);
    }
    expect(asked).toEqual(['one', 'two', 'one', 'two']);
  });
});
