import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { fixture, ROOT, type FixtureName } from '../../test/support/fixtures.js';
import { multipart } from '../../test/support/multipart.js';
import { rawExchange } from '../../test/support/raw-http.js';

/** One request's fate, timed from the client. */
export interface Outcome {
  kind: 'good' | 'bad' | 'slow';
  /** 0 when no answer came (connection refused or reset). */
  status: number;
  code: string | null;
  /** The network error when no answer came. */
  error: string | null;
  /** Epoch ms when the request was fully written (null: never was), and when it ended. */
  sentAt: number | null;
  endedAt: number;
  ms: number;
}

export interface Upload {
  headers: Record<string, string>;
  body: Buffer;
}

/** POST /classify on a fresh connection (no keep-alive: every request's fate is its own). */
export function post(url: string, kind: Outcome['kind'], upload: Upload): Promise<Outcome> {
  const start = Date.now();
  return new Promise((resolve) => {
    let sentAt: number | null = null;
    const end = (status: number, code: string | null, error: string | null) =>
      resolve({ kind, status, code, error, sentAt, endedAt: Date.now(), ms: Date.now() - start });
    const req = httpRequest(`${url}/classify`, { method: 'POST', agent: false, headers: { ...upload.headers, 'content-length': String(upload.body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => end(0, null, e.message));
      res.on('end', () => {
        let code: string | null = null;
        try {
          code = (JSON.parse(Buffer.concat(chunks).toString()) as { code?: string }).code ?? null;
        } catch {
          // not JSON
        }
        end(res.statusCode ?? 0, code, null);
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => end(0, null, e.code ?? e.message));
    req.end(upload.body, () => (sentAt = Date.now()));
  });
}

const raw = (type: string, body: Buffer): Upload => ({ headers: { 'content-type': type }, body });

/** Good uploads: each fixture raw, and a batch of two in a form. */
export async function goodUploads(): Promise<Upload[]> {
  const names: FixtureName[] = ['all1', 'hem1', 'all2', 'field'];
  const form = await multipart([fixture('all1'), fixture('field')]);
  return [...names.map((n) => raw('application/octet-stream', fixture(n).bytes)), { headers: form.headers, body: form.payload }];
}

/** Bad uploads: the imaging corpus, broken forms, junk near and over MAX_FILE_BYTES (what the RSS bound must survive). */
export function badUploads(maxFileBytes: number): Upload[] {
  const dir = path.join(ROOT, 'test/fixtures/bad-inputs');
  const corpus = readdirSync(dir)
    .filter((f) => f !== 'manifest.json')
    .map((f) => raw('application/octet-stream', readFileSync(path.join(dir, f))))
    .filter((u) => u.body.length > 0);
  const junk = (n: number) => Buffer.alloc(n, 0x5a);
  const image = fixture('hem1').bytes;
  return [
    ...corpus,
    raw('multipart/form-data', Buffer.from('--x\r\nabc\r\n--x--\r\n')), // no boundary
    raw('multipart/form-data; boundary=x', Buffer.concat([Buffer.from('--x\r\nContent-Disposition: form-data; name="image"; filename="a.bmp"\r\n\r\n'), image])), // no closing
    raw('multipart/form-data; boundary=x', junk(64 * 1024)),
    raw('text/plain', Buffer.from('hello')),
    raw('application/octet-stream', junk(maxFileBytes - 1)), // just under the limit: read, sniffed, refused
    raw('application/octet-stream', junk(maxFileBytes + 1)), // over it: refused from Content-Length
    raw('multipart/form-data; boundary=x', Buffer.concat([Buffer.from('--x\r\nContent-Disposition: form-data; name="image"; filename="big"\r\n\r\n'), junk(maxFileBytes + 1), Buffer.from('\r\n--x--\r\n')])),
  ];
}

/** A slow client: headers and half the body, then silence until the server cuts it. */
export async function stalledUpload(url: string, upload: Upload, waitMs: number): Promise<Outcome> {
  const start = Date.now();
  const head = Object.entries({ host: 'x', ...upload.headers, 'content-length': String(upload.body.length) })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  const res = await rawExchange(url, (socket) => void socket.write(Buffer.concat([Buffer.from(`POST /classify HTTP/1.1\r\n${head}\r\n\r\n`), upload.body.subarray(0, upload.body.length >> 1)])), waitMs);
  const code = (res.body as { code?: string } | null)?.code ?? null;
  return { kind: 'slow', status: res.status ?? 0, code, error: res.closedByServer ? null : 'not cut', sentAt: null, endedAt: Date.now(), ms: Date.now() - start };
}
