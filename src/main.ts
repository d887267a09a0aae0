import { serveCommand } from './commands/serve.js';

// `node dist/main.js` (npm start, the container): the server, configured by env vars and flags.
const code = await serveCommand(process.argv.slice(2), process.env);
if (code !== 0) process.exitCode = code;
