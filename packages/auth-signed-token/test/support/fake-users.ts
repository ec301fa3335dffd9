import { type User } from '@authbench/auth-accounts';
import { StoreUnavailableError } from '@authbench/auth-core';
import type { SignedTokenUsers } from '../../src/index.js';

/** An in-memory user store with call counters and an outage switch (no Argon2: hashes are fake). */
export class FakeUsers implements SignedTokenUsers {
  readonly users = new Map<string, User>();
  findByIdCalls = 0;
  down = false;

  add(id: string, username: string, tokenVersion = 0): User {
    const user: User = {
      id,
      username,
      passwordHash: 'not-a-hash',
      tokenVersion,
      createdAt: new Date(0),
      revokedBefore: null,
    };
    this.users.set(id, user);
    return user;
  }

  delete(id: string): void {
    this.users.delete(id);
  }

  async findById(id: string): Promise<User | null> {
    this.findByIdCalls++;
    if (this.down) throw new StoreUnavailableError('database');
    return this.users.get(id) ?? null;
  }

  async revokeAllCredentials(id: string, at: Date): Promise<User | null> {
    if (this.down) throw new StoreUnavailableError('database');
    const user = this.users.get(id);
    if (user === undefined) return null;
    const updated: User = { ...user, tokenVersion: user.tokenVersion + 1, revokedBefore: at };
    this.users.set(id, updated);
    return updated;
  }
}

/** A clock tests move by hand (epoch ms). */
export class ManualClock {
  constructor(public ms: number) {}

  readonly now = (): number => this.ms;

  advance(ms: number): void {
    this.ms += ms;
  }
}

/** 32+ byte secrets, as CONTRACT §1 requires. */
export const SECRET_OLD = 'old-secret-0123456789abcdef0123456789';
export const SECRET_NEW = 'new-secret-0123456789abcdef0123456789';
export const SECRET_OTHER = 'other-secret-0123456789abcdef01234567';
