import path from 'node:path';
import t from 'tap';
import { loadManifest } from '../../src/model/manifest.js';
import { classifyOnce, runLoad } from '../../bench/load.js';
import { ServerProcess } from '../../bench/server-process.js';
import { benchPaths, PYTHON_PEERS, pythonPeerSpec, type PythonPeer } from '../../bench/servers.js';
import { makeUploads } from '../../bench/uploads.js';

// The bench's Python servers, run for real (default model, CPU) and loaded by the bench's own load generator.
const root = path.resolve(import.meta.dirname, '..', '..');
const modelDir = path.join(root, 'models', 'default');

const peers = Object.keys(PYTHON_PEERS) as PythonPeer[];
for (const [peer, precision] of [...peers.map((p) => [p, undefined] as const), ['threaded-peer', 'int8'] as const]) {
  t.test(`${peer}${precision ? ` at ${precision}` : ''} classifies the bench uploads and takes autocannon load`, async (t) => {
    const { manifest } = await loadManifest(modelDir);
    const uploads = await makeUploads(root);
    const server = await ServerProcess.start(await pythonPeerSpec(benchPaths(root), peer, modelDir, precision));
    t.teardown(() => server.stop());
    t.ok(server.readyMs > 0, 'time to ready is measured');
    const idle = await server.memory();
    t.ok(idle.rssBytes > 50 * 2 ** 20, 'RSS of the Python process with the model loaded is read from /proc');

    for (const upload of uploads) {
      const top = await classifyOnce(server.url, upload);
      t.ok(manifest.labels.includes(top.label), `${upload.id}: top label ${top.label} is one of the manifest's`);
      t.ok(top.score >= 1 / manifest.labels.length && top.score <= 1, `${upload.id}: top score ${top.score} is the largest probability`);
    }

    const point = await runLoad({ url: server.url, upload: uploads[0]!, connections: 2, amount: 6 });
    t.equal(point.ok, 6, 'every request answered 2xx');
    t.equal(point.non2xx + point.errors, 0);
    t.ok(point.latencyMs.p50 > 0 && point.latencyMs.p50 <= point.latencyMs.p99, 'latency percentiles are ordered');

    const bad = await fetch(`${server.url}/classify`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: 'not an image' });
    t.equal(bad.status, 400, 'an undecodable upload is refused with 400');
  });
}
