import {
  CLOCK,
  credentialRequestOf,
  type PageDescription,
  Public,
  pathOf,
  StrategyRegistry,
} from '@authbench/auth-core';
import { Controller, Get, Header, Inject, NotFoundException, Req } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { AppRequest } from '../http/platform.js';
import { BenchmarkResults } from './benchmark-results.js';
import { NO_STORE } from './security-headers.js';
import { SessionInspector, type SessionRecordView } from './session-inspection.js';

/**
 * What the page needs to know about this configuration to explain it: each mounted strategy's
 * description (words, lifetimes to count down with — not secret: every login response reveals
 * its own — and the credential's anatomy), and which optional endpoints exist (so it asks only
 * those, instead of collecting 404s).
 */
export interface PageSettingsView {
  /** Each mounted strategy, as its descriptor explains it (CONTRACT: `AUTH_STRATEGIES` order). */
  readonly strategies: Readonly<Record<string, PageDescription>>;
  /** Every mounted strategy's lifetime is a minute or less: the "wait for expiry" demo mode. */
  readonly demoMode: boolean;
  /** `GET /demo/session-record` exists (outside production, with `session` mounted). */
  readonly inspection: boolean;
  /** `GET /demo/benchmarks` has a results file to serve. */
  readonly benchmarks: boolean;
}

/** Seconds below which the page treats lifetimes as the short-TTL demo mode. */
const DEMO_MODE_MAX_SECONDS = 60;

/**
 * What the page reads besides the API itself. Paths live under `/demo/…`: a fixed first
 * segment that no strategy is named, so nothing here shadows `/:strategy/…`.
 */
@Controller('demo')
export class DemoController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly now: () => number,
    private readonly registry: StrategyRegistry,
    private readonly benchmarks: BenchmarkResults,
  ) {}

  /**
   * The server-side record of the caller's own session cookie. Public as far as the guard is
   * concerned, but it authenticates the cookie itself (so 401 with the reason without one).
   * Exists only outside production: in production it is the same 404 as an unknown route.
   */
  @Public()
  @Get('session-record')
  @Header('Cache-Control', NO_STORE)
  async sessionRecord(@Req() request: AppRequest): Promise<SessionRecordView> {
    const strategy = this.inspectionEnabled() ? this.registry.get('session') : undefined;
    // The same 404 as an unknown route: in production the endpoint does not exist.
    if (strategy === undefined) throw new NotFoundException(`Cannot ${request.method} ${pathOf(request)}`);
    return new SessionInspector(strategy, this.now).inspect(credentialRequestOf(request));
  }

  @Public()
  @Get('settings')
  @Header('Cache-Control', NO_STORE)
  async settings(): Promise<PageSettingsView> {
    const strategies = Object.fromEntries(
      this.config.strategies.map(({ descriptor, settings }) => [
        descriptor.name,
        descriptor.describeForPage(settings, this.config.app),
      ]),
    );
    return {
      strategies,
      demoMode: Object.values(strategies).every(
        ({ lifetimeSeconds }) => lifetimeSeconds <= DEMO_MODE_MAX_SECONDS,
      ),
      inspection: this.inspectionEnabled(),
      benchmarks: await this.benchmarks.exists(),
    };
  }

  private inspectionEnabled(): boolean {
    return this.config.NODE_ENV !== 'production' && this.registry.get('session') !== undefined;
  }

  /** `benchmarks/results/latest.json` as written by the last benchmark run; 404 before the first. */
  @Public()
  @Get('benchmarks')
  @Header('Cache-Control', NO_STORE)
  async benchmarkResults(): Promise<Readonly<Record<string, unknown>>> {
    const results = await this.benchmarks.latest();
    if (results === null) {
      throw new NotFoundException(
        'No benchmark results yet: run `npm run bench` to produce benchmarks/results/latest.json.',
      );
    }
    return results;
  }
}
