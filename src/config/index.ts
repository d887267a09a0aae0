export { OPTIONS, type Config, type OptionKey } from './options.js';
export { loadConfig, ConfigError, type CommandLine, type CommandLineShape } from './load-config.js';
export { formatOptionsHelp } from './help.js';
