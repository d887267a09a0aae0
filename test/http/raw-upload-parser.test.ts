import { createHash } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import t from 'tap';
import { rawUploadParser } from '../../src/http/raw-upload-parser.js';
import { withoutDetach } from '../support/detach.js';
import { fixture } from '../support/fixtures.js';

const LIMIT = 700_000;
const bmp = fixture('all1').bytes; // 608454 bytes: several socket chunks

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A server with only the parser: POST / answers the body's length and hash; `seen` gets every chunk it was given. */
async function echoServer(seen: Buffer[] = []): Promise<FastifyInstance> {
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('image/bmp', rawUploadParser(LIMIT));
  // Records what the stream emits without a listener of its own, which would start the flow early.
  app.addHook('preParsing', async (_request, _reply, payload) => {
    const emit = payload.emit.bind(payload);
    payload.emit = (event: string | symbol, ...args: unknown[]) => {
      if (event === 'data') seen.push(args[0] as Buffer);
      return emit(event, ...args);
    };
    return payload;
  });
  app.post('/', async (request) => {
    const body = request.body as Buffer;
    return { length: body.length, sha: sha(body) };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  return app;
}

const url = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as { port: number }).port}/`;

t.test('real HTTP with Content-Length: the body whole, and each socket chunk freed once copied', { skip: withoutDetach }, async (t) => {
  const seen: Buffer[] = [];
  const app = await echoServer(seen);
  const res = await fetch(url(app), { method: 'POST', headers: { 'content-type': 'image/bmp' }, body: bmp });
  t.same(await res.json(), { length: bmp.length, sha: sha(bmp) });
  t.ok(seen.length > 1, `${seen.length} chunks`);
  t.same(
    seen.map((c) => c.length),
    seen.map(() => 0),
    'every chunk freed',
  );
  t.equal(bmp.length, 608454, "the client's buffer untouched");
});

t.test('real HTTP, chunked transfer coding (no Content-Length): the body whole', async (t) => {
  const app = await echoServer();
  const pieces = [bmp.subarray(0, 100_000), bmp.subarray(100_000)];
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces.shift();
      if (next) controller.enqueue(new Uint8Array(next));
      else controller.close();
    },
  });
  const res = await fetch(url(app), { method: 'POST', headers: { 'content-type': 'image/bmp' }, body, duplex: 'half' } as RequestInit);
  t.same(await res.json(), { length: bmp.length, sha: sha(bmp) });
});

t.test("an injected request: the body whole, and the caller's payload left alone", async (t) => {
  const app = await echoServer();
  const payload = Buffer.from(bmp);
  const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'image/bmp' }, payload });
  t.same(res.json(), { length: bmp.length, sha: sha(bmp) });
  t.equal(sha(payload), sha(bmp), 'payload intact');
});

t.test('limits: a Content-Length above the limit, or a chunked body growing past it, is a 413', async (t) => {
  const app = await echoServer();
  const tooBig = Buffer.alloc(LIMIT + 1);
  const declared = await fetch(url(app), { method: 'POST', headers: { 'content-type': 'image/bmp' }, body: tooBig });
  t.equal(declared.status, 413);
  t.match(await declared.json(), { code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  const streamed = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'image/bmp', 'transfer-encoding': 'chunked' }, payload: tooBig });
  t.equal(streamed.statusCode, 413);
  t.match(streamed.json(), { code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  const fits = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'image/bmp' }, payload: Buffer.alloc(LIMIT, 1) });
  t.equal(fits.statusCode, 200, 'exactly the limit is accepted');
});

t.test('a body shorter than its Content-Length is a 400', async (t) => {
  const app = await echoServer();
  const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'image/bmp', 'content-length': '5000' }, payload: Buffer.alloc(4000) });
  t.equal(res.statusCode, 400);
  t.match(res.json(), { code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' });
});
