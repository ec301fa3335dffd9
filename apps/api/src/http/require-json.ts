import type { IncomingMessage } from 'node:http';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import typeIs from 'type-is';

/** A request carries a body when it says so (RFC 9112 §6.3). */
function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * CONTRACT §2 is JSON in and out: a body of any other type is refused with 415, not ignored.
 * Plain Node types and type-is (what express's `req.is` is), so both HTTP platforms mount it.
 */
export function jsonBodyRejection(request: IncomingMessage): UnsupportedMediaTypeException | undefined {
  if (hasBody(request) && !typeIs(request, ['application/json'])) {
    return new UnsupportedMediaTypeException('Request bodies must be application/json.');
  }
  return undefined;
}
