import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompileJob, CompileOutcome } from './compile-job.js';
import { CompileFailedError } from './errors.js';
import { CompiledModel } from './openvino/compiled-model.js';
import type { Runtime } from './openvino/runtime.js';

const extension = extname(fileURLToPath(import.meta.url));
const entry = new URL(`./compile-worker${extension}`, import.meta.url);

function startWorker(job: CompileJob): Worker {
  if (extension === '.js') return new Worker(entry, { workerData: job });
  // Running from the TypeScript sources (tests, tsx): the worker needs tsx's loader too.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData: job });
}

/** Compiles `modelPath` for `device` on a worker thread; the result is owned by `runtime`'s library. */
export function compileOffThread(runtime: Runtime, job: Omit<CompileJob, 'libraryPath' | 'core'>): Promise<CompiledModel> {
  return new Promise((resolve, reject) => {
    const worker = startWorker({ ...job, libraryPath: runtime.libraryPath, core: runtime.handle });
    let outcome: CompileOutcome | undefined;
    worker.once('message', (message: CompileOutcome) => (outcome = message));
    worker.once('error', (error) => (outcome = { error: error.message }));
    worker.once('exit', (code) => {
      if (outcome !== undefined && 'handle' in outcome) resolve(new CompiledModel(runtime.library, outcome.handle, job.device));
      else reject(new CompileFailedError(job.device, outcome?.error ?? `the compile worker exited with code ${code}`));
    });
  });
}
