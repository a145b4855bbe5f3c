import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent, request } from 'undici';
import { classifyAddress, ipLiteralOf, SsrfRefusedError } from './address-policy';
import { FetchError, readBodyLimited } from './response-body';

/** Resolves a host name to every address it has, like dns.lookup with `all: true`. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export interface GuardedFetchOptions {
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  /** Skips the address check: for tests and intranet deployments that mean to reach private hosts. */
  allowPrivate?: boolean;
  /** Replaces the public-address rule (tests use it to allow 127.0.0.1 and nothing else). */
  isAllowedAddress?: (ip: string) => boolean;
  resolveHost?: ResolveHost;
  maxRedirects?: number;
}

export interface FetchedResponse {
  status: number;
  /** Where the answer finally came from, after redirects. */
  url: string;
  etag?: string;
  lastModified?: string;
  contentType?: string;
  /** Only for 2xx answers. */
  body: Buffer | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const defaultResolve: ResolveHost = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * GETs public http(s) URLs only. The address check runs inside the connection's DNS lookup, so the
 * address vetted is the address connected to (no DNS-rebinding gap); IP-literal hosts never reach
 * a lookup and are vetted up front. Redirects are followed by hand so every hop is vetted again.
 */
export class GuardedFetcher {
  private readonly agent: Agent;
  private readonly resolveHost: ResolveHost;
  private readonly maxRedirects: number;

  constructor(private readonly options: GuardedFetchOptions) {
    this.resolveHost = options.resolveHost ?? defaultResolve;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.agent = new Agent({
      connect: { lookup: this.guardedLookup, timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<FetchedResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      let current = this.vetUrl(url);
      for (let hop = 0; ; hop++) {
        const res = await request(current, {
          method: 'GET',
          headers: { 'user-agent': this.options.userAgent, accept: '*/*', ...headers },
          dispatcher: this.agent,
          signal: controller.signal,
        });
        const header = (name: string): string | undefined => {
          const v = res.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        if (REDIRECTS.has(res.statusCode)) {
          await res.body.dump();
          const location = header('location');
          if (!location) throw new FetchError(`HTTP ${res.statusCode} redirect without a Location header`);
          if (hop >= this.maxRedirects) throw new FetchError(`more than ${this.maxRedirects} redirects`);
          current = this.vetUrl(new URL(location, current).href);
          continue;
        }
        const answer: FetchedResponse = {
          status: res.statusCode,
          url: current,
          etag: header('etag'),
          lastModified: header('last-modified'),
          contentType: header('content-type'),
          body: null,
        };
        if (res.statusCode < 200 || res.statusCode >= 300) {
          await res.body.dump();
          return answer;
        }
        const { maxBytes } = this.options;
        answer.body = await readBodyLimited(res.body, maxBytes, header('content-length'), header('content-encoding'));
        return answer;
      }
    } catch (error) {
      if (controller.signal.aborted) throw new FetchError(`timed out after ${this.options.timeoutMs} ms`);
      throw readableError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /** Scheme and IP-literal checks; host names are vetted when the connection resolves them. */
  private vetUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new FetchError(`invalid URL "${raw}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FetchError(`refused: ${url.protocol} URLs are not fetched (only http and https)`);
    }
    const literal = ipLiteralOf(url.hostname);
    if (literal) this.vetAddress(literal);
    return url.href;
  }

  private vetAddress(ip: string): void {
    if (this.options.allowPrivate) return;
    const verdict = classifyAddress(ip);
    const allowed = this.options.isAllowedAddress ? this.options.isAllowedAddress(ip) : verdict.allowed;
    if (!allowed) throw new SsrfRefusedError(ip, verdict.allowed ? 'not an allowed address' : verdict.why);
  }

  // Arrow property: undici hands it to net/tls.connect as `lookup`, detached from `this`.
  private readonly guardedLookup = (
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    this.resolveHost(hostname).then(
      (found) => {
        try {
          const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
          const addresses = found.filter((a) => wanted === 0 || a.family === wanted);
          if (addresses.length === 0)
            throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
          // One bad address refuses the host: a name that also points inward is not trusted.
          for (const a of addresses) this.vetAddress(a.address);
          if (options.all) callback(null, addresses);
          else callback(null, addresses[0]!.address, addresses[0]!.family);
        } catch (error) {
          callback(error as NodeJS.ErrnoException, '');
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

function readableError(error: unknown): Error {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof SsrfRefusedError || e instanceof FetchError) return e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return new FetchError('connection refused');
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new FetchError(`host not found (${e.message})`);
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return new FetchError('connection reset by the server');
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new FetchError('timed out');
    }
  }
  return new FetchError(error instanceof Error ? error.message : String(error));
}
