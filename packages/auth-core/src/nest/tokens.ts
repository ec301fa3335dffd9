/** Injection tokens shared by the app and every strategy module. */
export const USER_REPOSITORY = Symbol.for('authbench.UserRepository');
/** `RedisConnection | null`: null when `REDIS_URL` is unset (in-process stores). */
export const REDIS_CONNECTION = Symbol.for('authbench.RedisConnection');
/** `() => number`, epoch milliseconds; tests inject a frozen clock here. */
export const CLOCK = Symbol.for('authbench.Clock');
