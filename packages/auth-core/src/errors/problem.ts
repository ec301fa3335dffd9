/**
 * An error a client caused or must be told about, in RFC 9457 terms.
 * The HTTP layer renders it as `application/problem+json`; nothing else does.
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
}

export interface ProblemErrorOptions {
  readonly type?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

export class ProblemError extends Error {
  override readonly name: string = 'ProblemError';
  readonly status: number;
  readonly title: string;
  readonly type: string;
  /** Response headers the problem needs (`WWW-Authenticate`, `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, title: string, detail: string, options: ProblemErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.title = title;
    this.type = options.type ?? 'about:blank';
    this.headers = options.headers ?? {};
  }

  get detail(): string {
    return this.message;
  }

  toProblem(): ProblemDetails {
    return { type: this.type, title: this.title, status: this.status, detail: this.detail };
  }
}
