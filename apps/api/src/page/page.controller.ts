import { Public } from '@authbench/auth-core';
import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PAGE_CACHE_CONTROL, PAGE_SECURITY_HEADERS } from './security-headers.js';
import { type StaticAsset, StaticAssets } from './static-assets.js';

/** `GET /` (the side-by-side page) and `GET /assets/<name>` (its allow-listed files). */
@Controller()
export class PageController {
  constructor(private readonly assets: StaticAssets) {}

  @Public()
  @Get()
  index(@Req() request: Request, @Res() response: Response): void {
    this.send(request, response, 'index.html');
  }

  @Public()
  @Get('assets/:name')
  asset(@Req() request: Request, @Res() response: Response, @Param('name') name: string): void {
    this.send(request, response, `assets/${name}`);
  }

  private send(request: Request, response: Response, name: string): void {
    const asset: StaticAsset | undefined = this.assets.get(name);
    // The same wording as an unknown route: the list of files is nobody's business.
    if (asset === undefined) throw new NotFoundException(`Cannot ${request.method} ${request.path}`);
    response
      .status(200)
      .set(PAGE_SECURITY_HEADERS)
      .set({ 'Content-Type': asset.contentType, 'Cache-Control': PAGE_CACHE_CONTROL, ETag: asset.etag })
      // express answers 304 to a matching If-None-Match, and no body to HEAD.
      .send(asset.body);
  }
}
