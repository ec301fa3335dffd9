import type { Server } from 'node:http';

/**
 * Time-outs of the Node HTTP server (CONTRACT §2: slow or idle connections are cut), chosen
 * for an API whose requests are small (headers ≤ 16 KiB, bodies ≤ 16 KiB) and quick.
 */
export const SERVER_TIMEOUTS = {
  /**
   * Whole header block of a request, from its first byte (or from the connection's start).
   * 10 s (Node: 60 s): a real client sends a few KiB at once; a slowloris trickling one
   * header a second holds a socket for at most this long.
   */
  headersTimeout: 10_000,
  /**
   * Whole request, headers and body. 30 s (Node: 300 s): 16 KiB of body arrive in well under
   * a second on any link that can use this API; this bounds a slow-body upload.
   */
  requestTimeout: 30_000,
  /**
   * Idle time of a kept-alive connection between requests. 65 s (Node: 5 s): longer than the
   * idle time-out of the proxies put in front (nginx's upstream `keepalive_timeout` and cloud
   * load balancers default to 60 s), so the proxy always closes first and never sends a
   * request on a socket this server is closing (a spurious 502). Load generators and tests
   * are not hurt: Node advertises it in `Keep-Alive: timeout=65`, clients that idle reuse or
   * drop the socket by that hint, and `app.close()` closes idle sockets at once.
   */
  keepAliveTimeout: 65_000,
  /**
   * How often Node enforces the first two (default 30 s, which would let a 10 s limit run to
   * 40 s). A 1 s sweep over the open connections is cheap next to the requests themselves.
   */
  connectionsCheckingInterval: 1_000,
} as const;

/**
 * Sets them on a server that is not listening yet: Node reads `connectionsCheckingInterval`
 * (only typed as a constructor option) when it starts listening.
 */
export function applyServerTimeouts(server: Server): void {
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    SERVER_TIMEOUTS.connectionsCheckingInterval;
  server.headersTimeout = SERVER_TIMEOUTS.headersTimeout;
  server.requestTimeout = SERVER_TIMEOUTS.requestTimeout;
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveTimeout;
}
