// A bare node:http server answering every request with the same JSON body: the fastest a
// Node server on this machine can answer, so the load generator's own ceiling is known.
import { createServer } from 'node:http';

const body = Buffer.from(process.env.BARE_BODY ?? '{"status":"ok"}', 'utf8');
const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`bare server listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
