/** A configuration that cannot be used: the connector refuses to start and says which setting is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
