/** The config layer's error catalog: one code, every bad setting listed in the message. */
export const CONFIG_ERROR_CODES = ['INVALID_CONFIG'] as const;

export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

export class ConfigError extends Error {
  readonly code: ConfigErrorCode = 'INVALID_CONFIG';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}
