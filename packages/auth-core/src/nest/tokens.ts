/** `() => number`, epoch milliseconds; tests inject a frozen clock here. */
export const CLOCK = Symbol.for('authbench.Clock');
