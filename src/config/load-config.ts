import { parseArgs } from 'node:util';
import { OPTIONS, type Config, type OptionKey } from './options.js';

import { ConfigError } from './errors.js';

export interface CommandLineShape {
  /** Extra boolean flags the command understands (e.g. --json). */
  booleans?: readonly string[];
  /** Extra string flags the command understands (e.g. --out). */
  strings?: readonly string[];
  /** Shorter flag names for settings (e.g. --model for --model-dir). */
  aliases?: Readonly<Record<string, OptionKey>>;
  allowPositionals?: boolean;
}

export interface CommandLine {
  config: Config;
  positionals: string[];
  booleans: Record<string, boolean>;
  strings: Record<string, string | undefined>;
  help: boolean;
}

const KEYS = Object.keys(OPTIONS) as OptionKey[];

/**
 * Settings from `--flag value` / `--flag=value` first, then environment variables, then defaults.
 * Every bad value is reported (not just the first), naming the variable, the flag and what was given.
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv, shape: CommandLineShape = {}): CommandLine {
  const flagOptions: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const key of KEYS) flagOptions[OPTIONS[key].flag] = { type: 'string' };
  for (const alias of Object.keys(shape.aliases ?? {})) flagOptions[alias] = { type: 'string' };
  for (const name of shape.booleans ?? []) flagOptions[name] = { type: 'boolean' };
  for (const name of shape.strings ?? []) flagOptions[name] = { type: 'string' };

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: flagOptions, strict: true, allowPositionals: shape.allowPositionals ?? false });
  } catch (cause) {
    throw new ConfigError([(cause as Error).message]);
  }
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  for (const [alias, key] of Object.entries(shape.aliases ?? {})) {
    if (flags[alias] !== undefined) flags[OPTIONS[key].flag] = flags[alias];
  }

  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const key of KEYS) {
    const option = OPTIONS[key];
    const fromFlag = flags[option.flag];
    const fromEnv = env[option.env];
    // An empty variable counts as unset: `PORT= leukoserve` should not fail.
    const [raw, origin] =
      typeof fromFlag === 'string'
        ? [fromFlag, `--${option.flag}`]
        : fromEnv !== undefined && fromEnv !== ''
          ? [fromEnv, option.env]
          : [option.default, 'default'];
    if (raw === undefined) continue;
    const result = option.schema.safeParse(raw);
    if (result.success) {
      config[key] = result.data;
      continue;
    }
    // A secret (API keys) is never echoed: the message goes to stderr and into logs.
    const shown = 'secret' in option ? '(hidden)' : JSON.stringify(raw);
    problems.push(`${option.env} / --${option.flag} (from ${origin}) = ${shown}: ${result.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const booleans: Record<string, boolean> = {};
  for (const name of shape.booleans ?? []) booleans[name] = flags[name] === true;
  const strings: Record<string, string | undefined> = {};
  for (const name of shape.strings ?? []) strings[name] = flags[name] as string | undefined;
  return { config: config as Config, positionals: parsed.positionals, booleans, strings, help: flags.help === true };
}
