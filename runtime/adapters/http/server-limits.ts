/**
 * Limits every HTTP server of the runtime applies before any handler runs, so that clients who
 * never finish a request (slow bodies, thousands of idle sockets) cannot hold memory and sockets:
 * a request must arrive whole within `requestTimeoutMs`, and at most `maxConnections` sockets are
 * open at once (Node drops further ones on accept). Responses may take longer (a sync snapshot,
 * an MNS long poll): the timeout covers receiving only.
 */
import * as http from 'node:http';

export interface HttpServerLimits {
  /** Open connections at most (idle keep-alive ones included); further ones are closed at once. @default 128 */
  readonly maxConnections?: number;
  /** Time for a request's line, headers and body to arrive; then the connection is closed. @default 15000 */
  readonly requestTimeoutMs?: number;
  /** Request line and headers, bytes. @default Node's 16 KiB */
  readonly maxHeaderBytes?: number;
}

export const DEFAULT_MAX_CONNECTIONS = 128;
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

export function createLimitedServer(limits: HttpServerLimits = {}, listener?: http.RequestListener): http.Server {
  const requestTimeout = limits.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const server = http.createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      requestTimeout,
      headersTimeout: requestTimeout,
      // Node checks the two timeouts on this interval (30 s by default): keep it well below them.
      connectionsCheckingInterval: Math.max(20, Math.min(1000, Math.floor(requestTimeout / 4))),
    },
    listener,
  );
  server.maxConnections = limits.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  return server;
}
