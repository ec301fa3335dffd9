import type { EarlyRefusal, UserAccounts } from '@authbench/auth-accounts';
import type { AppConfig } from '../config/config.js';

/** What a refusable route does: log in (any mounted strategy's, or the default's) or register. */
export type RefusableRoute = 'login' | 'register';

/**
 * The exact paths of the routes refused early: `/register`, `/<name>/login` for every mounted
 * strategy, and `/login` when `AUTH_DEFAULT` is set. Exact and lower-case: a spelling the router
 * also accepts (a trailing `/`, capitals) takes the normal path, which refuses it the same way,
 * only at its full cost. An unmounted strategy's login is not here, so it stays a 404.
 */
export function refusableRoutes(
  config: Pick<AppConfig, 'AUTH_STRATEGIES' | 'AUTH_DEFAULT'>,
): ReadonlyMap<string, RefusableRoute> {
  const routes = new Map<string, RefusableRoute>([['/register', 'register']]);
  for (const name of config.AUTH_STRATEGIES) routes.set(`/${name}/login`, 'login');
  if (config.AUTH_DEFAULT !== undefined) routes.set('/login', 'login');
  return routes;
}

/** The path of a request target, without its query string. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** An early refusal and the route it refuses. */
export interface RouteRefusal {
  readonly refusal: EarlyRefusal;
  readonly route: RefusableRoute;
}

/**
 * Decides, from the method, the path and the client address alone, whether a login or a
 * registration is refused before its body is read (`UserAccounts.refuseLoginEarly` and
 * `refuseRegistrationEarly`). Any other request costs a method comparison and, for a POST, one
 * Map look-up, and gets `undefined` with no promise made.
 */
export class EarlyRefusals {
  private readonly routes: ReadonlyMap<string, RefusableRoute>;

  constructor(
    private readonly accounts: Pick<UserAccounts, 'refuseLoginEarly' | 'refuseRegistrationEarly'>,
    config: Pick<AppConfig, 'AUTH_STRATEGIES' | 'AUTH_DEFAULT'>,
  ) {
    this.routes = refusableRoutes(config);
  }

  /** The route this request would reach, if it is one refused early. */
  routeOf(method: string | undefined, url: string | undefined): RefusableRoute | undefined {
    if (method !== 'POST' || url === undefined) return undefined;
    return this.routes.get(pathOf(url));
  }

  /** The refusal for a request from `clientAddress` to `route`, or `undefined` to go on. */
  async refusalFor(route: RefusableRoute, clientAddress: string): Promise<RouteRefusal | undefined> {
    const refusal =
      route === 'login'
        ? await this.accounts.refuseLoginEarly(clientAddress)
        : await this.accounts.refuseRegistrationEarly(clientAddress);
    return refusal === undefined ? undefined : { refusal, route };
  }
}
