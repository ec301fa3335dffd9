import { Public, pathOf } from '@authbench/auth-core';
import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { AppReply, AppRequest } from '../http/platform.js';
import { PAGE_CACHE_CONTROL, PAGE_SECURITY_HEADERS } from './security-headers.js';
import { type StaticAsset, StaticAssets } from './static-assets.js';

/**
 * RFC 9110 §13.1.2 for one strong validator, as express's `req.fresh` decides it: `*` or the
 * tag among the listed ones, unless the request asks caches to revalidate (`no-cache`).
 */
function isFresh(request: AppRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (typeof header !== 'string') return false;
  if (/(?:^|,)\s*no-cache\s*(?:,|$)/.test(String(request.headers['cache-control'] ?? ''))) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === etag || trimmed === `W/${etag}`;
  });
}

/** `GET /` (the side-by-side page) and `GET /assets/<name>` (its allow-listed files). */
@Controller()
export class PageController {
  constructor(private readonly assets: StaticAssets) {}

  @Public()
  @Get()
  index(@Req() request: AppRequest, @Res() response: AppReply): void {
    this.send(request, response, 'index.html');
  }

  @Public()
  @Get('assets/:name')
  asset(@Req() request: AppRequest, @Res() response: AppReply, @Param('name') name: string): void {
    this.send(request, response, `assets/${name}`);
  }

  private send(request: AppRequest, response: AppReply, name: string): void {
    const asset: StaticAsset | undefined = this.assets.get(name);
    // The same wording as an unknown route: the list of files is nobody's business.
    if (asset === undefined) throw new NotFoundException(`Cannot ${request.method} ${pathOf(request)}`);
    const headers = {
      ...PAGE_SECURITY_HEADERS,
      'Content-Type': asset.contentType,
      'Cache-Control': PAGE_CACHE_CONTROL,
      ETag: asset.etag,
    };
    for (const [header, value] of Object.entries(headers)) response.header(header, value);
    // A matching If-None-Match is a 304 without a body, decided here for both platforms (express
    // would, fastify would not); both send no body to HEAD.
    if (isFresh(request, asset.etag)) {
      response.status(304);
      response.send('');
      return;
    }
    response.status(200);
    response.send(asset.body);
  }
}
