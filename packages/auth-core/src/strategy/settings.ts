/** Environment variables, as the process got them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A configuration value a strategy refused; the app stops with one line naming the variable. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';

  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
}

/** The longest lifetime any setting may have: ten years, in seconds. */
const MAX_SECONDS = 10 * 365 * 24 * 3600;

/** The value of a variable, with an empty string meaning unset (as shells and `.env` files use it). */
export function settingValue(env: Environment, variable: string): string | undefined {
  const value = env[variable];
  return value === undefined || value === '' ? undefined : value;
}

/** A whole number of seconds, 1 to ten years. */
export function secondsSetting(env: Environment, variable: string, fallback: number): number {
  const value = settingValue(env, variable);
  if (value === undefined) return fallback;
  if (!/^\d{1,10}$/.test(value.trim()))
    throw new SettingsError(variable, 'expected a whole number of seconds');
  const seconds = Number(value.trim());
  if (seconds < 1 || seconds > MAX_SECONDS) {
    throw new SettingsError(variable, `expected 1 to ${MAX_SECONDS} seconds`);
  }
  return seconds;
}

/** One of a fixed set of words. */
export function choiceSetting<Choice extends string>(
  env: Environment,
  variable: string,
  choices: readonly Choice[],
  fallback: Choice,
): Choice {
  const value = settingValue(env, variable);
  if (value === undefined) return fallback;
  const choice = choices.find((candidate) => candidate === value);
  if (choice === undefined) throw new SettingsError(variable, `expected one of ${choices.join(', ')}`);
  return choice;
}

/** Free text, non-empty when set. */
export function textSetting(env: Environment, variable: string, fallback: string): string {
  return settingValue(env, variable) ?? fallback;
}

/** The shortest secret any strategy accepts, in bytes of UTF-8. */
export const MIN_SECRET_BYTES = 32;

/**
 * A secret list (CONTRACT §1): comma-separated, oldest first, newest last; each at least
 * 32 bytes. `undefined` when unset (the app then generates one, outside production only).
 * The values never appear in an error.
 */
export function secretListSetting(env: Environment, variable: string): readonly string[] | undefined {
  const value = settingValue(env, variable);
  if (value === undefined) return undefined;
  const secrets = value.split(',').map((secret) => secret.trim());
  const encoder = new TextEncoder();
  secrets.forEach((secret, index) => {
    if (encoder.encode(secret).length < MIN_SECRET_BYTES) {
      throw new SettingsError(variable, `secret #${index + 1} is shorter than ${MIN_SECRET_BYTES} bytes`);
    }
  });
  return secrets;
}
