// Types of credentials.js for the tests that import it under Node (the browser needs none).

export function base64urlToBytes(text: string): Uint8Array;
export function bigEndianToNumber(bytes: Uint8Array): number;

export type DecodedJwt =
  | {
      readonly ok: true;
      readonly segments: string[];
      readonly header: Record<string, unknown>;
      readonly claims: Record<string, unknown>;
      readonly signatureBytes: number;
    }
  | { readonly ok: false; readonly error: string; readonly segments: string[] };
export function decodeJwt(token: string): DecodedJwt;

export type DecodedSignedToken =
  | {
      readonly ok: true;
      readonly compressed: boolean;
      readonly segments: string[];
      readonly payload: Record<string, unknown> | null;
      readonly issuedAtSeconds: number;
      readonly signatureBytes: number;
      readonly digest: string;
    }
  | { readonly ok: false; readonly error: string; readonly segments: string[] };
export function decodeSignedToken(token: string): DecodedSignedToken;

export interface SegmentAnatomy {
  readonly separator: string;
  readonly segments: readonly { readonly name: string; readonly meaning: string }[];
}
export type SplitSegments =
  | {
      readonly ok: true;
      readonly separator: string;
      readonly parts: { readonly text: string; readonly name: string; readonly meaning: string }[];
    }
  | { readonly ok: false; readonly error: string };
export function splitSegments(token: string, anatomy: SegmentAnatomy): SplitSegments;

export function tamper(
  credential: string,
  separator?: string,
): { value: string; index: number; from: string; to: string };
export function formatRemaining(ms: number): string;
export function isoOf(epochMs: number): string;

export const JWT_CLAIMS: Readonly<Record<string, string>>;
export const JWT_HEADER_FIELDS: Readonly<Record<string, string>>;
export const SIGNED_TOKEN_FIELDS: Readonly<Record<string, string>>;
