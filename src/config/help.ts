import { OPTIONS, type OptionKey } from './options.js';

/** The settings table for --help: flag, variable, default, meaning. */
export function formatOptionsHelp(keys: readonly OptionKey[] = Object.keys(OPTIONS) as OptionKey[]): string {
  const rows = keys.map((key) => {
    const o = OPTIONS[key];
    return [`--${o.flag} <value>`, o.env, o.default ?? '(unset)', o.help] as const;
  });
  const width = (i: 0 | 1 | 2) => Math.max(...rows.map((r) => r[i].length));
  const [w0, w1, w2] = [width(0), width(1), width(2)];
  return rows.map(([f, e, d, h]) => `  ${f.padEnd(w0)}  ${e.padEnd(w1)}  default ${d.padEnd(w2)}  ${h}`).join('\n');
}
