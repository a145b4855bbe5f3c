/** What a URL source remembers about one URL between syncs (Fennel keeps it in Postgres). */
export interface UrlState {
  etag?: string;
  lastModified?: string;
  /** sha256 of the bytes last handed to the sink for this URL. */
  sha256?: string;
  /** ISO 8601 time of the last answer from the server, 304 included. */
  lastFetchedAt?: string;
}

export interface UrlStateStore {
  get(url: string): Promise<UrlState | undefined>;
  set(url: string, state: UrlState): Promise<void>;
  /** Forget a URL once its document is removed, so a reappearing URL is fetched unconditionally. */
  delete(url: string): Promise<void>;
}

export class InMemoryUrlStateStore implements UrlStateStore {
  private readonly states = new Map<string, UrlState>();

  async get(url: string): Promise<UrlState | undefined> {
    const state = this.states.get(url);
    return state && { ...state };
  }

  async set(url: string, state: UrlState): Promise<void> {
    this.states.set(url, { ...state });
  }

  async delete(url: string): Promise<void> {
    this.states.delete(url);
  }
}
