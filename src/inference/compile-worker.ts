// Worker thread entry: reads, prepares and compiles one model so the event loop keeps serving while
// a device compiles (seconds on a stick; ov_core_compile_model is variadic and koffi runs variadic
// calls synchronously only).
import { parentPort, workerData } from 'node:worker_threads';
import type { CompileJob, CompileOutcome } from './compile-job.js';
import { OpenVinoLibrary } from './openvino/library.js';
import { Model } from './openvino/model.js';

function compile(job: CompileJob): CompileOutcome {
  try {
    const library = new OpenVinoLibrary({ file: job.libraryPath });
    const model = Model.read(library, job.core, job.modelPath);
    try {
      model.applyPrePostProcessing(job.prePostProcessing);
      return { handle: model.compile(job.device, job.properties).transfer() };
    } finally {
      model.dispose();
    }
  } catch (error) {
    return { error: (error as Error).message };
  }
}

parentPort?.postMessage(compile(workerData as CompileJob));
