import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import t from 'tap';
import { loadConfig, serviceSettings } from '../../src/config/index.js';
import { startServer } from '../../src/http/server.js';
import { Classifier } from '../../src/service/index.js';
import { silentLogger } from '../support/cpu-classifier.js';
import { MODEL_DIR } from '../support/fixtures.js';

// A self-signed certificate for 127.0.0.1, made by Debian's openssl (.ci/run installs it).
const dir = t.testdir();
const [certFile, keyFile] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
execFileSync('openssl', [
  'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
  '-subj', '/CN=leukoserve test', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
], { stdio: 'ignore' });
const cert = readFileSync(certFile);

const KEY = 'tls-test-key-0123456789abcdef';
const { config } = loadConfig(['--port', '0', '--device', 'CPU', '--model-dir', MODEL_DIR, '--tls-cert', certFile, '--tls-key', keyFile, '--api-keys', KEY], {});
const server = await startServer(await Classifier.open(serviceSettings(config)), config, silentLogger);
t.teardown(() => server.close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET over HTTPS trusting `ca` only (fetch cannot be given a CA without undici's Agent). */
function get(url: string, ca: Buffer | undefined, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('TLS_CERT/TLS_KEY: the server speaks HTTPS with that certificate', async (t) => {
  t.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const ready = await get(`${server.url}/health/ready`, cert);
  t.equal(ready.status, 200);
  t.same(JSON.parse(ready.body), { status: 'ready', device: 'CPU' });
  t.match(ready.headers['strict-transport-security'], /max-age=\d+/, 'HSTS over HTTPS');
  t.match(ready.headers['content-security-policy'], /upgrade-insecure-requests/);

  t.equal((await get(`${server.url}/model`, cert)).status, 401, 'keys apply over HTTPS too');
  t.equal((await get(`${server.url}/model`, cert, { authorization: `Bearer ${KEY}` })).status, 200);
});

t.test('the certificate is really checked, and plain HTTP to the TLS port fails', async (t) => {
  await t.rejects(get(`${server.url}/health/live`, undefined), /self-signed certificate/, 'an untrusted certificate is refused by the client');
  await t.rejects(fetch(`${server.url.replace('https:', 'http:')}/health/live`), 'no plain HTTP answer from the TLS port');
});

t.test('one of TLS_CERT and TLS_KEY alone is refused at start-up', async (t) => {
  const classifier = await Classifier.open(serviceSettings(config));
  await t.rejects(startServer(classifier, { ...config, tlsKey: undefined }, silentLogger), /TLS_CERT and TLS_KEY go together/);
  t.equal(classifier.readiness().ready, false, 'the classifier is closed when the server cannot start');
});
