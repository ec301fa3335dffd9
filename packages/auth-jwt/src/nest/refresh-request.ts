import { InvalidRequestError } from '@authbench/auth-core';

/** The body of `POST /jwt/refresh`: `{ "refreshToken": string }`, or a 400 naming the field. */
export function readRefreshToken(body: unknown): string {
  const refreshToken =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Readonly<Record<string, unknown>>).refreshToken
      : undefined;
  if (refreshToken === undefined) throw new InvalidRequestError('refreshToken', 'is required');
  if (typeof refreshToken !== 'string') throw new InvalidRequestError('refreshToken', 'must be a string');
  return refreshToken;
}
