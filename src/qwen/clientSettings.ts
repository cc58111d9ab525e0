// A ClientConfig with every limit filled in, shared by the client and its attempts.
import type { ClientConfig } from './types';

const DEFAULTS = {
  maxRetries: 3,
  firstByteTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
  requestTimeoutMs: 300_000,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
};

export type ClientSettings = ClientConfig & typeof DEFAULTS;

export type Logger = NonNullable<ClientConfig['log']>;

/** A field the caller left undefined takes the default, as if it had not been written at all. */
export function withDefaults(config: ClientConfig): ClientSettings {
  const given = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
  return { ...DEFAULTS, ...given } as ClientSettings;
}
