import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** A request carries a body when it says so (RFC 9112 §6.3). */
function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** CONTRACT §2 is JSON in and out: a body of any other type is refused with 415, not ignored. */
export function requireJsonBodies(request: Request, _response: Response, next: NextFunction): void {
  if (hasBody(request) && !request.is('application/json')) {
    next(new UnsupportedMediaTypeException('Request bodies must be application/json.'));
    return;
  }
  next();
}
