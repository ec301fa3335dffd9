/** Injection token of the `AuthInfrastructure` opened before the Nest app. */
export const AUTH_INFRASTRUCTURE = Symbol('AUTH_INFRASTRUCTURE');
