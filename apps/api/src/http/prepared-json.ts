import type { AppReply } from './platform.js';

/** What both platforms sent for a serialized object before (express's `res.json`, fastify's default). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A JSON body that cannot change once the app serves, serialized once: sending it costs no
 * `JSON.stringify`, no string-to-bytes copy and, on fastify, no serializer per request. The
 * bytes and the content type are those the object itself would have produced; the rest is the
 * platform's own `send` of a Buffer (content-length; on express its weak ETag of these same
 * bytes, and its 304 for a matching `If-None-Match`).
 */
export class PreparedJson {
  readonly body: Buffer;

  constructor(value: unknown) {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('PreparedJson: the value has no JSON form');
    this.body = Buffer.from(text, 'utf8');
  }

  send(reply: AppReply): void {
    reply.header('Content-Type', JSON_CONTENT_TYPE);
    reply.send(this.body);
  }
}
