import type { DynamicModule } from '@nestjs/common';
import type { AuthStrategy, CredentialTransport } from './auth-strategy.js';
import type { Environment } from './settings.js';

/** What the app has decided that strategies depend on (CONTRACT §1 shared variables). */
export interface AppSettings {
  readonly production: boolean;
  /** `COOKIE_SECURE`, resolved (defaults to production). */
  readonly cookieSecure: boolean;
  /** The user store is shared with other processes (PostgreSQL), so a user read may not be cached. */
  readonly sharedUserStore: boolean;
}

/** One documented environment variable of a strategy (`--help`, docs). */
export interface SettingVariable {
  readonly name: string;
  /** The default as written in the docs; `null` when unset by default. */
  readonly default: string | null;
  readonly meaning: string;
}

/** A strategy instance plus the Nest module of its own routes (refresh, JWKS), if any. */
export interface MountedStrategy {
  readonly strategy: AuthStrategy;
  readonly module?: DynamicModule;
}

/** What a factory is given. `Infrastructure` is whatever the package declares it needs. */
export interface StrategyFactoryContext<Settings, Infrastructure> {
  readonly settings: Settings;
  readonly app: AppSettings;
  /** Secret lists by variable name (oldest first), configured or generated for this process. */
  readonly secrets: Readonly<Record<string, readonly string[]>>;
  readonly infrastructure: Infrastructure;
  readonly warn: (message: string) => void;
}

/**
 * How the teaching page takes a credential apart, in the browser. `jwt` and `itsdangerous`
 * name decoders the page ships; `segments` is generic: the credential split on `separator`,
 * each part labelled (so a new format needs no page code); `cookie` is never shown (HttpOnly).
 */
export type CredentialAnatomy =
  | { readonly format: 'cookie'; readonly cookieName: string }
  | { readonly format: 'jwt' | 'itsdangerous' }
  | {
      readonly format: 'segments';
      readonly separator: string;
      readonly segments: readonly { readonly name: string; readonly meaning: string }[];
    };

/** What the page shows for a strategy: words, lifetimes to count down, the credential's anatomy. */
export interface PageDescription {
  readonly title: string;
  readonly summary: string;
  /** What the server keeps for it, in a sentence. */
  readonly store: string;
  /** Seconds a fresh credential lives (the idle timeout for sessions). */
  readonly lifetimeSeconds: number;
  /** Further lifetimes worth a countdown (`absolute`, `refresh`). */
  readonly otherLifetimes: Readonly<Record<string, number>>;
  readonly credential: CredentialAnatomy;
  /** Extra actions the strategy's own routes offer (`refresh`: `POST /<name>/refresh`). */
  readonly actions: readonly string[];
}

/** A JSON Schema object, for the OpenAPI document. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * Everything the app, the page, the contract suites and the benchmarks know about one
 * strategy, exported by its package. The app's catalog is a list of these: nothing outside a
 * strategy's package names it, and the name here is the name it is mounted under.
 */
export interface StrategyDescriptor<
  Name extends string = string,
  Settings = unknown,
  Infrastructure = never,
> {
  readonly name: Name;
  readonly transport: CredentialTransport;
  /** The variables this strategy reads (documentation). */
  readonly variables: readonly SettingVariable[];
  /** Variables holding secret lists (comma-separated, oldest first, each at least 32 bytes). */
  readonly secretVariables: readonly string[];
  /** Parses this strategy's variables; throws `SettingsError` naming the variable. */
  parseSettings(env: Environment, app: AppSettings): Settings;
  /** The secret lists these settings use: required in production, generated per start otherwise. */
  secretsInUse(settings: Settings): readonly string[];
  /**
   * Material other than secret lists that the primary generates once for `API_WORKERS > 1`
   * when the operator left it unset (a development key pair), as environment variables.
   */
  generatedForWorkers?(settings: Settings): Readonly<Record<string, string>>;
  create(
    context: StrategyFactoryContext<Settings, Infrastructure>,
  ): MountedStrategy | Promise<MountedStrategy>;
  /** The login response body's schema (CONTRACT §2), for OpenAPI. */
  readonly loginResponseSchema: JsonSchema;
  describeForPage(settings: Settings, app: AppSettings): PageDescription;
}

/**
 * A descriptor whose settings type is hidden: what a catalog holds. The settings only travel
 * from its own `parseSettings` back into its own methods, which take them by method syntax
 * (bivariant), so `unknown` suffices.
 */
export type AnyStrategyDescriptor<Infrastructure = never> = StrategyDescriptor<
  string,
  unknown,
  Infrastructure
>;

/** Declares a descriptor with its types inferred and checked. */
export function defineStrategy<Name extends string, Settings, Infrastructure>(
  descriptor: StrategyDescriptor<Name, Settings, Infrastructure>,
): StrategyDescriptor<Name, Settings, Infrastructure> {
  return descriptor;
}
