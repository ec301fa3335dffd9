import { URLSafeSerializer, URLSafeTimedSerializer } from '@authbench/itsdangerous';
import type { TokenDigest } from '../../src/index.js';
import { SECRET_NEW, SECRET_OLD } from './fake-users.js';

export interface MintOptions {
  readonly secrets?: readonly string[];
  readonly salt?: string;
  readonly digest?: TokenDigest;
  /** Signing clock, epoch ms. */
  readonly atMs: number;
}

/** Signs any payload the way a secret holder could (to craft edge cases the strategy never mints). */
export function mint(payload: unknown, options: MintOptions): string {
  const serializer = new URLSafeTimedSerializer(options.secrets ?? [SECRET_OLD, SECRET_NEW], {
    salt: options.salt ?? 'authbench.token',
    signerKwargs: { digestMethod: options.digest ?? 'sha1' },
    now: () => options.atMs / 1000,
  });
  return serializer.dumps(payload);
}

/** The same payload signed without a timestamp (plain `URLSafeSerializer`, same key and salt). */
export function mintUntimed(payload: unknown): string {
  return new URLSafeSerializer([SECRET_OLD, SECRET_NEW], {
    salt: 'authbench.token',
    signerKwargs: { digestMethod: 'sha1' },
  }).dumps(payload);
}
