#!/usr/bin/env node
// The installed `leukoserve` command: runs the compiled CLI from dist/commands/ (made by `npm run build`).
import process from 'node:process';

let cli;
try {
  cli = await import('../dist/commands/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/commands/cli.js')) throw error;
  process.stderr.write('leukoserve: dist/commands/cli.js is missing; run `npm run build` first\n');
  process.exit(1);
}
process.exitCode = await cli.runCli(process.argv.slice(2), process.env);
