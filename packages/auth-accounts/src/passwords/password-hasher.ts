import { hash, parseOptions, verify } from '@node-rs/argon2';

/** Argon2id parameters; the defaults are OWASP's first recommendation (19 MiB, t=2, p=1). */
export interface Argon2Parameters {
  readonly memoryCostKiB: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export const OWASP_ARGON2ID: Argon2Parameters = { memoryCostKiB: 19_456, timeCost: 2, parallelism: 1 };

/** `Algorithm.Argon2id` of @node-rs/argon2 (a const enum, which isolated modules cannot import). */
const ARGON2ID = 2;

/**
 * `client` names on whose behalf the work is done (the client address, for a login or a
 * registration): a hasher that shares its capacity, such as `BoundedPasswordHasher`, shares it
 * fairly between clients; one that computes ignores it.
 */
export interface PasswordHasher {
  hash(password: string, client?: string): Promise<string>;
  verify(passwordHash: string, password: string, client?: string): Promise<boolean>;
  /** True when the stored hash was made with other parameters and should be replaced. */
  needsRehash(passwordHash: string): boolean;
  /** Spends one verification's time on nothing, so an unknown username costs what a known one does. */
  burnOneVerification(password: string, client?: string): Promise<void>;
  /**
   * False when a hash for `client` would be refused at once now (a hasher with a capacity); a
   * hasher without one leaves it out. Lets a login refuse before its user look-up.
   */
  admits?(client?: string): boolean;
}

/** Argon2id through a maintained native binding; passwords arrive NFKC-normalised and whole. */
export class Argon2PasswordHasher implements PasswordHasher {
  private decoyHash: Promise<string> | null = null;

  constructor(private readonly parameters: Argon2Parameters = OWASP_ARGON2ID) {
    if (parameters.memoryCostKiB < 8 * parameters.parallelism || parameters.timeCost < 1) {
      throw new RangeError('Argon2 parameters below the algorithm minimum');
    }
  }

  hash(password: string): Promise<string> {
    return hash(password, {
      algorithm: ARGON2ID,
      memoryCost: this.parameters.memoryCostKiB,
      timeCost: this.parameters.timeCost,
      parallelism: this.parameters.parallelism,
    });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      // A stored hash the library cannot parse verifies nothing.
      return false;
    }
  }

  needsRehash(passwordHash: string): boolean {
    try {
      const stored = parseOptions(passwordHash);
      return (
        stored.algorithm !== ARGON2ID ||
        stored.memoryCost !== this.parameters.memoryCostKiB ||
        stored.timeCost !== this.parameters.timeCost ||
        stored.parallelism !== this.parameters.parallelism
      );
    } catch {
      return true;
    }
  }

  async burnOneVerification(password: string): Promise<void> {
    this.decoyHash ??= this.hash('authbench decoy password, never a real one');
    await this.verify(await this.decoyHash, password);
  }
}
