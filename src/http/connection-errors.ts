import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { toConnectionErrorBody, type ErrorLimits } from './errors.js';

/** Node's own marker of the response in progress on a socket: none was started when it is absent. */
type HttpSocket = Socket & { _httpMessage?: { headersSent: boolean } | null };

/**
 * Fastify's clientErrorHandler: Node's HTTP parser refused what came on a connection (a malformed
 * request, headers too large, a client too slow: HEADERS_TIMEOUT_MS, UPLOAD_TIMEOUT_MS). Answers in
 * the API's error shape with its code, as Node would, when the client can still read and no response
 * has begun on the socket, then closes the connection. Fastify's default answers without a code.
 */
export function connectionErrorHandler(logger: Logger, limits: ErrorLimits) {
  return (error: NodeJS.ErrnoException, socket: HttpSocket): void => {
    const body = toConnectionErrorBody(error, limits);
    logger.info({ code: body.code, cause: error.code, remoteAddress: socket.remoteAddress }, `connection closed: ${body.message}`);
    if (socket.writable && !socket._httpMessage?.headersSent) {
      const json = JSON.stringify(body);
      socket.end(
        `HTTP/1.1 ${body.statusCode} ${body.error}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
      );
    }
    socket.destroySoon();
  };
}
