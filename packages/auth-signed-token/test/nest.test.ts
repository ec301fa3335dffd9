import 'reflect-metadata';
import { MemoryRevocationList } from '@authbench/auth-stores';
import { describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SIGNED_TOKEN_STRATEGY, SignedTokenModule, SignedTokenStrategy } from '../src/index.js';
import { FakeUsers, SECRET_NEW } from './support/fake-users.js';

const USERS = Symbol('users');

@Module({ providers: [{ provide: USERS, useValue: new FakeUsers() }], exports: [USERS] })
class UsersModule {}

describe('SignedTokenModule', () => {
  it('provides the strategy from injected dependencies', async () => {
    const module = SignedTokenModule.forRootAsync({
      imports: [UsersModule],
      inject: [USERS],
      useFactory: (users) => ({
        secrets: [SECRET_NEW],
        salt: 'authbench.token',
        digest: 'sha1',
        ttlSeconds: 3600,
        users: users as FakeUsers,
        revocations: new MemoryRevocationList(),
      }),
    });
    const app = await NestFactory.createApplicationContext(module, { logger: false });
    try {
      const strategy = app.get<SignedTokenStrategy>(SIGNED_TOKEN_STRATEGY);
      expect(strategy).toBeInstanceOf(SignedTokenStrategy);
      expect(strategy.name).toBe('token');
    } finally {
      await app.close();
    }
  });
});
