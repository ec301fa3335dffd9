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

/**
 * Index of the closing quote of the string literal opening at `start` (input is valid JSON).
 * Jumps from quote to quote with `indexOf` (most of a claim set is inside strings) and counts
 * the backslashes before each: an even number means the quote is not escaped. Each backslash
 * run is counted once, at the quote that follows it, so the walk stays linear.
 */
function endOfString(text: string, start: number): number {
  let index = start;
  for (;;) {
    index = text.indexOf('"', index + 1);
    // Unreachable for valid JSON; ends the walk rather than restarting it from 0.
    if (index === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(index - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return index;
  }
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

/**
 * Member names in the text, counted without allocating: in valid JSON every member has exactly
 * one `:` outside string literals, and nothing else puts one there, so counting those colons
 * counts the names. No stack of open containers (an array per call) is needed for that, unlike
 * telling names from values would. Input is valid JSON.
 */
function memberNamesInText(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x22) index = endOfString(text, index);
    else if (char === 0x3a) count += 1;
  }
  return count;
}

/** Own keys of every object in a parsed JSON value (what `JSON.parse` kept). */
function membersKept(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += membersKept(item);
    return count;
  }
  for (const key in value) {
    count += 1 + membersKept((value as Record<string, unknown>)[key]);
  }
  return count;
}

/**
 * Parses a JSON object; throws `SyntaxError` (or `DuplicateMemberError`) for anything else.
 *
 * `JSON.parse` keeps one member per name, so the text has duplicates exactly when it names
 * more members than the parsed value holds. That count is one allocation-free pass; only a
 * text that fails it is walked again, to name the duplicate.
 */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SyntaxError('expected a JSON object');
  }
  if (memberNamesInText(text) !== membersKept(value)) assertNoDuplicateMembers(text);
  return value as Record<string, unknown>;
}
