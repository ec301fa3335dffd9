import { STATUS_CODES } from 'node:http';
import { type ProblemDetails, ProblemError } from '@authbench/auth-core';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';

const PROBLEM_JSON = 'application/problem+json';

/** http-errors (body-parser, express) mark errors safe to show a client with `expose`. */
interface ExposedHttpError {
  readonly status: number;
  readonly expose: true;
  readonly type?: string;
  readonly message: string;
}

function isExposedHttpError(error: unknown): error is ExposedHttpError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as Partial<ExposedHttpError>;
  return candidate.expose === true && typeof candidate.status === 'number';
}

function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** Client-facing wording for body-parser failures, whose own messages leak parser internals. */
function detailOfHttpError(error: ExposedHttpError): string {
  switch (error.type) {
    case 'entity.parse.failed':
      return 'The request body is not valid JSON.';
    case 'entity.too.large':
      return 'The request body exceeds the 16 KiB limit.';
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return 'The request body encoding is not supported.';
    default:
      return error.message;
  }
}

function detailOfHttpException(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return exception.message;
}

/**
 * Every error leaves as RFC 9457 problem+json (CONTRACT §2). Anything that is not a known
 * client error is a bug: logged with its stack, answered with a bare 500 that reveals nothing.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { problem, headers } = this.toProblem(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(problem.status).type(PROBLEM_JSON).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): {
    problem: ProblemDetails;
    headers: Readonly<Record<string, string>>;
  } {
    if (exception instanceof ProblemError) {
      return { problem: exception.toProblem(), headers: exception.headers };
    }
    // Nest wraps body-parser's errors in an HttpException; its own wording is the safer detail.
    const httpError = exception instanceof HttpException ? exception.cause : exception;
    if (isExposedHttpError(httpError) && httpError.status >= 400 && httpError.status < 500) {
      const status = httpError.status;
      return {
        problem: {
          type: 'about:blank',
          title: titleOf(status),
          status,
          detail: detailOfHttpError(httpError),
        },
        headers: {},
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return {
        problem: {
          type: 'about:blank',
          title: titleOf(status),
          status,
          detail: detailOfHttpException(exception),
        },
        headers: {},
      };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return {
      problem: {
        type: 'about:blank',
        title: titleOf(500),
        status: 500,
        detail: 'An unexpected error occurred.',
      },
      headers: {},
    };
  }
}
