// The hash-slot tests' fixtures (bounded-password-hasher, hash-priority): a hasher whose hashes end
// only when the test says so, so slot order and bounds are checked without any timing.
import type { BoundedPasswordHasher, PasswordHasher } from '../../src/index.js';

/** Hashes end only when the test opens them, oldest first; `verify` is right only for 'right'. */
export class GatedHasher implements PasswordHasher {
  /** The client of every hash started, in order. */
  readonly started: (string | undefined)[] = [];
  private readonly gates: (() => void)[] = [];
  private wait(client: string | undefined): Promise<void> {
    this.started.push(client);
    return new Promise((resolve) => this.gates.push(resolve));
  }
  /** Ends the oldest running hash. */
  openOldest(): void {
    this.gates.shift()?.();
  }
  async hash(_password: string, client?: string): Promise<string> {
    await this.wait(client);
    return 'hash';
  }
  async verify(_hash: string, password: string, client?: string): Promise<boolean> {
    await this.wait(client);
    return password === 'right';
  }
  needsRehash(): boolean {
    return false;
  }
  async burnOneVerification(_password: string, client?: string): Promise<void> {
    await this.wait(client);
  }
}

/** Lets every settled promise's continuations run. */
export async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

/** Ends running hashes one by one until none is left. */
export async function drain(inner: GatedHasher, bounded: BoundedPasswordHasher): Promise<void> {
  for (let turn = 0; bounded.load.running > 0; turn += 1) {
    if (turn > 200) throw new Error('hashes never drained');
    inner.openOldest();
    await settle();
  }
}
