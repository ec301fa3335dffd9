// The latency proxies in their own process (pinned with the load generator): one proxy per
// upstream, controlled over IPC by StoreProxies.

import { serveIpc } from './ipc.js';
import { LatencyProxy, type ProxyProtocol } from './latency-proxy.js';

const proxies = new Map<string, LatencyProxy>();

function proxyNamed(name: unknown): LatencyProxy {
  const proxy = proxies.get(String(name));
  if (proxy === undefined) throw new Error(`no proxy named ${String(name)}`);
  return proxy;
}

serveIpc(async (request) => {
  switch (request.type) {
    case 'start': {
      const proxy = new LatencyProxy(
        { host: String(request.host), port: Number(request.port) },
        request.protocol as ProxyProtocol,
      );
      const port = await proxy.listen();
      proxies.set(String(request.name), proxy);
      return { port };
    }
    case 'rtt':
      proxyNamed(request.name).setRtt(Number(request.ms));
      return null;
    case 'reset':
      proxyNamed(request.name).resetCounters();
      return null;
    case 'read':
      return proxyNamed(request.name).read();
    default:
      throw new Error(`unknown request ${String(request.type)}`);
  }
});
