import { readFile } from 'node:fs/promises';
import asc from 'assemblyscript/asc';
import t from 'tap';

// bilinear.wasm is committed so that neither the server nor the image build needs the compiler: it
// must be exactly what its source compiles to with the pinned asc.
t.test('the committed bilinear.wasm is what asc builds from bilinear.ts', async (t) => {
  const written = new Map<string, Uint8Array | string>();
  const { error, stderr } = await asc.main(['--config', 'src/imaging/wasm/asconfig.json', '--outFile', 'rebuilt.wasm'], {
    writeFile: (name: string, contents: Uint8Array | string) => void written.set(name, contents),
  });
  t.equal(error, null, `asc: ${stderr.toString()}`);
  const rebuilt = written.get('rebuilt.wasm');
  t.ok(rebuilt instanceof Uint8Array, 'asc wrote a binary');
  t.ok(Buffer.from(rebuilt as Uint8Array).equals(await readFile('src/imaging/wasm/bilinear.wasm')), 'byte for byte: run npm run build:wasm after changing bilinear.ts');
});
