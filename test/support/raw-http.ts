import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** What came back on one raw connection. */
export interface RawExchange {
  /** The response's status, null when none came. */
  status: number | null;
  /** The parsed JSON body, null when none or not JSON. */
  body: unknown;
  /** Whether the server closed the connection (rather than the wait running out). */
  closedByServer: boolean;
  /** Milliseconds from connecting to the response or the close. */
  elapsedMs: number;
}

/**
 * One HTTP exchange over a fresh TCP connection, written by `send` byte by byte if it likes (node:net,
 * so a test can be the slow or broken client that fetch() will not be). Resolves at the first complete
 * response (at the close it announces, if it does), at the server's close, or after `waitMs`.
 */
export function rawExchange(url: string, send: (socket: net.Socket) => Promise<void> | void, waitMs: number): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponse(received), closedByServer, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      // A response that announces the close: wait for it, so the caller sees the server end the connection.
      if (isComplete(received) && !/^connection:\s*close/im.test(splitHead(received)!.head)) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true)); // a reset is the server closing too
    socket.on('connect', () => {
      Promise.resolve(send(socket)).catch(() => {}); // writes after the server's close fail: expected
    });
  });
}

/** Writes `bytes` one at a time, `intervalMs` apart, while the socket is open. */
export async function dribble(socket: net.Socket, bytes: Uint8Array | string, intervalMs: number): Promise<void> {
  const data = Buffer.from(bytes);
  for (let i = 0; i < data.length && !socket.destroyed; i++) {
    socket.write(data.subarray(i, i + 1));
    await sleep(intervalMs);
  }
}

function splitHead(received: Buffer): { head: string; body: Buffer } | null {
  const end = received.indexOf('\r\n\r\n');
  return end < 0 ? null : { head: received.subarray(0, end).toString('latin1'), body: received.subarray(end + 4) };
}

function isComplete(received: Buffer): boolean {
  const parts = splitHead(received);
  const length = parts && /^content-length:\s*(\d+)/im.exec(parts.head);
  return !!length && parts.body.length >= Number(length[1]);
}

function parseResponse(received: Buffer): { status: number | null; body: unknown } {
  const parts = splitHead(received);
  if (parts === null) return { status: null, body: null };
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(parts.head);
  const length = /^content-length:\s*(\d+)/im.exec(parts.head);
  let body: unknown = null;
  try {
    // Only the first response: a pipelined rest of the request may have drawn a second one.
    body = JSON.parse(parts.body.subarray(0, length ? Number(length[1]) : undefined).toString('utf8'));
  } catch {
    // not JSON: body stays null
  }
  return { status: status ? Number(status[1]) : null, body };
}
