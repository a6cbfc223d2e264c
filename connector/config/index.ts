export { ConfigError } from './errors.js';
export { detectDefaultBackend, loadConfig, type LoadOptions } from './load.js';
export { CONFIG_SCHEMA, type ConnectorConfig, type ListenHost } from './schema.js';
export { CONFIG_FILE_ENV, CONFIG_FILE_FLAG, SETTINGS, usage, type Setting } from './settings.js';
