/**
 * JSON objects for JOSE headers and claim sets, with duplicate member names refused.
 * RFC 7515 §4 and RFC 7519 §4 say a parser must reject duplicates or take the last one;
 * `JSON.parse` takes the last, PyJWT's too, but others take the first — a token that two
 * parsers read differently (`{"alg":"HS256","alg":"none"}`) is refused outright.
 */
export class DuplicateMemberError extends SyntaxError {
  override readonly name = 'DuplicateMemberError';
  readonly member: string;

  constructor(member: string) {
    super(`duplicate member name ${JSON.stringify(member)}`);
    this.member = member;
  }
}

/** Index of the closing quote of the string literal opening at `start` (input is valid JSON). */
function endOfString(text: string, start: number): number {
  let index = start + 1;
  while (text.charCodeAt(index) !== 0x22) index += text.charCodeAt(index) === 0x5c ? 2 : 1;
  return index;
}

/**
 * Walks syntactically valid JSON and throws on the first object with a repeated member name.
 * Names are compared after unescaping, so `"alg"` and `"\u0061lg"` are the same name.
 */
function assertNoDuplicateMembers(text: string): void {
  // One entry per open container: the member names seen so far, or null for an array.
  const open: Array<Set<string> | null> = [];
  let expectName = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x22) {
      const end = endOfString(text, index);
      const names = open[open.length - 1];
      if (expectName && names instanceof Set) {
        const name = JSON.parse(text.slice(index, end + 1)) as string;
        if (names.has(name)) throw new DuplicateMemberError(name);
        names.add(name);
        expectName = false;
      }
      index = end;
    } else if (char === 0x7b) {
      open.push(new Set());
      expectName = true;
    } else if (char === 0x5b) {
      open.push(null);
      expectName = false;
    } else if (char === 0x7d || char === 0x5d) {
      open.pop();
      expectName = false;
    } else if (char === 0x2c) {
      expectName = open[open.length - 1] instanceof Set;
    }
  }
}

/** Parses a JSON object; throws `SyntaxError` (or `DuplicateMemberError`) for anything else. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SyntaxError('expected a JSON object');
  }
  assertNoDuplicateMembers(text);
  return value as Record<string, unknown>;
}
