export { OPTIONS, type Config, type OptionKey } from './options.js';
export { loadConfig, type CommandLine, type CommandLineShape } from './load-config.js';
export { ConfigError, CONFIG_ERROR_CODES, type ConfigErrorCode } from './errors.js';
export { repositorySettings, serviceSettings } from './service-settings.js';
export { formatOptionsHelp } from './help.js';
