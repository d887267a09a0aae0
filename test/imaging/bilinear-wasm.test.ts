import { readFile } from 'node:fs/promises';
import t from 'tap';
import { GENERATED, generateBilinearWasm } from '../../scripts/build-wasm.js';

t.test('bilinear-wasm.ts is what the pinned asc makes of wasm/bilinear.ts', async (t) => {
  t.equal(await readFile(GENERATED, 'utf8'), await generateBilinearWasm(), 'run npm run build:wasm after changing the kernel');
});
