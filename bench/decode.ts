/**
 * `npm run bench:decode`: CPU per image of leukoserve's imaging path (src/imaging: decode, crop, TF's
 * resize), part by part, beside the Python peers' (Pillow + numpy) on the same bench uploads, in one
 * run. CPU is the process's (every thread), one image at a time: on a 2-core server, what an image
 * costs here is what inference does not get. Writes bench/results/decode.{md,json}.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { z } from 'zod';
import { preprocess, releaseBuffer, smallJpegDecoder } from '../src/imaging/index.js';
import { centralCrop } from '../src/imaging/central-crop.js';
import { resizeBilinear } from '../src/imaging/resize-bilinear.js';
import { TurboJpegDecompressor } from '../src/imaging/turbojpeg/decompressor.js';
import { describeMachine } from './machine.js';
import { benchPaths } from './servers.js';
import { makeUploads } from './uploads.js';

const root = path.resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const SIDE = 299;

/** CPU milliseconds per call of `work`, over ROUNDS calls after as many unmeasured ones (V8 optimises the hot code by then, as in a serving process). */
async function cpuMs(work: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < ROUNDS; i++) await work();
  const before = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / ROUNDS;
}

const PythonCosts = z.record(z.string(), z.object({ decode: z.number(), preprocess: z.number() }));

const turbo = TurboJpegDecompressor.load();
const paths = benchPaths(root);
const uploads = await makeUploads(root);
const machine = await describeMachine(root, paths.python);
const folder = await mkdtemp(path.join(tmpdir(), 'leukoserve-decode-'));
try {
  const files = await Promise.all(
    uploads.map(async (u) => {
      const file = path.join(folder, `${u.id}.${u.contentType.split('/')[1]}`);
      await writeFile(file, u.body);
      return file;
    }),
  );
  const { stdout } = await promisify(execFile)(paths.python, [path.join(root, 'bench', 'baselines', 'decode_cost.py'), '--model-dir', path.join(root, 'models', 'default'), '--rounds', String(ROUNDS), ...files], {
    cwd: path.join(root, 'bench', 'baselines'),
  });
  const python = PythonCosts.parse(JSON.parse(stdout));
  const options = { width: SIDE, height: SIDE, centralFraction: 0.875, maxPixels: 40_000_000 };
  const rows = [];
  for (const [i, upload] of uploads.entries()) {
    const theirs = python[path.basename(files[i]!)]!;
    // The pixels freed as the service frees them once inference has copied them.
    const whole = await cpuMs(async () => releaseBuffer((await preprocess(upload.body, options)).pixels));
    // sharp's decode alone (libvips has no BMP loader: the built-in reader's cost is in the whole).
    const jpeg = upload.contentType === 'image/jpeg';
    const decode = jpeg ? await cpuMs(() => sharp(upload.body).raw().toBuffer()) : null;
    // libjpeg-turbo's decode, which the service uses for small JPEGs when the system has it.
    const turboDecode = jpeg && turbo ? await cpuMs(() => turbo.decode(upload.body, options.maxPixels)) : null;
    // TF's resize kernel (WebAssembly), run where the crop grows (here: the 299x299 upload's 261x261 crop).
    const { width, height } = centralCrop(SIDE, SIDE, options.centralFraction);
    const resize = upload.id === 'jpeg-299' ? await cpuMs(() => resizeBilinear(new Uint8Array(width * height * 3), width, height, SIDE, SIDE)) : null;
    rows.push({ upload: upload.description, leukoserve: { preprocess: whole, sharpDecode: decode, turboDecode, resizeKernel: resize }, python: theirs });
    console.error(`[bench:decode] ${upload.id}: leukoserve ${whole.toFixed(2)} ms, Python peers ${theirs.preprocess.toFixed(2)} ms`);
  }
  const ms = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)} ms`);
  const markdown = [
    '# CPU per image: leukoserve imaging vs the Python peers',
    '',
    `${machine.cpuModel} (flags: ${machine.cpuFlags.join(', ')}), ${machine.cores} cores; node ${machine.node}; sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}; small JPEGs decoded by ${smallJpegDecoder()}; ${ROUNDS} images each, one at a time, CPU of every thread of the process.`,
    '',
    '| upload | leukoserve preprocess | libvips: whole image to raw | libjpeg-turbo: whole image to RGB | TF resize kernel (WebAssembly) | Python peers preprocess (Pillow + numpy) | Pillow: whole image to RGB | leukoserve / Python |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      `| ${r.upload} | ${ms(r.leukoserve.preprocess)} | ${ms(r.leukoserve.sharpDecode)} | ${ms(r.leukoserve.turboDecode)} | ${ms(r.leukoserve.resizeKernel)} | ${ms(r.python.preprocess)} | ${ms(r.python.decode)} | ${(r.leukoserve.preprocess / r.python.preprocess).toFixed(2)}x |`,
    ),
    '',
    "leukoserve's preprocess ends at u8 (the model scales on the device); the peers' ends at float32, scaled by numpy. " +
      'The whole-image decodes are references, not parts: the pipeline crops (and for the 5 MP field shrinks) while libvips streams the rows.',
  ].join('\n');
  await writeFile(path.join(root, 'bench', 'results', 'decode.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, rounds: ROUNDS, rows }, null, 2)}\n`);
  await writeFile(path.join(root, 'bench', 'results', 'decode.md'), `${markdown}\n`);
  console.log(markdown);
} finally {
  await rm(folder, { recursive: true, force: true });
}
