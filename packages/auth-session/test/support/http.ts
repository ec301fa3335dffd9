import { Agent, type IncomingHttpHeaders, request } from 'node:http';

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** `Set-Cookie` lines, in order. */
  readonly setCookies: readonly string[];
}

export interface HttpRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** A plain node:http client: it sends exactly the headers given (Origin, Host, Cookie, Sec-Fetch-Site). */
export function http(baseUrl: string, path: string, options: HttpRequest = {}): Promise<HttpResponse> {
  const url = new URL(path, baseUrl);
  const payload = options.json === undefined ? undefined : JSON.stringify(options.json);
  const headers: Record<string, string> = { ...options.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        if (text.length > 0 && /json/.test(res.headers['content-type'] ?? '')) body = JSON.parse(text);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          setCookies: res.headers['set-cookie'] ?? [],
        });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export function closeHttpAgent(): void {
  agent.destroy();
}
