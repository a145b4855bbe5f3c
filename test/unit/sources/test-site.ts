import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Page {
  body?: string | Buffer;
  type?: string;
  etag?: string;
  lastModified?: string;
  /** Answer with this status and no validators (errors, redirects). */
  status?: number;
  headers?: Record<string, string>;
  /** Never answer: for timeouts. */
  hang?: boolean;
  /** Send the body without Content-Length, so only streaming can notice its size. */
  chunked?: boolean;
}

export interface Hit {
  path: string;
  status: number;
  headers: IncomingHttpHeaders;
}

/** A tiny web server on a loopback address that honours ETag / Last-Modified like a real one. */
export class TestSite {
  readonly pages = new Map<string, Page>();
  readonly hits: Hit[] = [];
  private constructor(
    private readonly server: http.Server,
    readonly host: string,
  ) {}

  static async start(host = '127.0.0.1'): Promise<TestSite> {
    const server = http.createServer();
    const site = new TestSite(server, host);
    server.on('request', (req, res) => site.answer(req, res));
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    server.unref(); // never keeps the test process alive
    return site;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string, host = this.host): string {
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}${path}`;
  }

  hitsFor(path: string): Hit[] {
    return this.hits.filter((h) => h.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    const page = this.pages.get(path);
    const reply = (status: number, headers: Record<string, string> = {}, body?: string | Buffer) => {
      this.hits.push({ path, status, headers: req.headers });
      res.writeHead(status, headers);
      res.end(body);
    };
    if (!page) return reply(404, { 'content-type': 'text/plain' }, 'not found');
    if (page.hang) {
      this.hits.push({ path, status: 0, headers: req.headers });
      return;
    }
    if (page.status) return reply(page.status, page.headers ?? {}, page.body);
    const validators: Record<string, string> = {};
    if (page.etag) validators.etag = page.etag;
    if (page.lastModified) validators['last-modified'] = page.lastModified;
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const notModified = inm
      ? inm === page.etag
      : Boolean(ims && page.lastModified && Date.parse(ims) >= Date.parse(page.lastModified));
    if (notModified) return reply(304, validators);
    const length: Record<string, string> =
      page.chunked || page.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(page.body)) };
    reply(
      200,
      { 'content-type': page.type ?? 'text/html; charset=utf-8', ...length, ...validators, ...page.headers },
      page.body,
    );
  }
}

export function urlset(urls: string[]): string {
  const items = urls.map((u) => `<url><loc>${u.replace(/&/g, '&amp;')}</loc><changefreq>daily</changefreq></url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${items.join('')}</urlset>`;
}

export function sitemapIndex(urls: string[]): string {
  const items = urls.map((u) => `<sitemap><loc>${u}</loc></sitemap>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${items.join('')}</sitemapindex>`;
}
