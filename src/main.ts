import { holdYoungGeneration } from './commands/young-generation.js';

// `node dist/main.js` (npm start, the container): the server, configured by env vars and flags.
// The hold comes before the service's modules load: loading them would already grow the young generation.
holdYoungGeneration();
const { serveCommand } = await import('./commands/serve.js');
const code = await serveCommand(process.argv.slice(2), process.env);
if (code !== 0) process.exitCode = code;
