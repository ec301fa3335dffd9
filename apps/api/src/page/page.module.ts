import { Module } from '@nestjs/common';
import { BenchmarkResults } from './benchmark-results.js';
import { DemoController } from './demo.controller.js';
import { PageController } from './page.controller.js';
import { StaticAssets } from './static-assets.js';

/**
 * The side-by-side page (`GET /`, `/assets/*`) and the read-only endpoints it uses
 * (`/demo/*`). It needs `APP_CONFIG`, `CLOCK` and `StrategyRegistry`, which the global app
 * module exports.
 */
@Module({
  controllers: [PageController, DemoController],
  providers: [
    { provide: StaticAssets, useFactory: () => StaticAssets.load() },
    { provide: BenchmarkResults, useFactory: () => new BenchmarkResults() },
  ],
})
export class PageModule {}
