// Typed failures of a model server. EngineUnavailableError means down, overloaded or too slow:
// the pipeline falls back to a built-in adapter. A plain EngineError means the engine refused the
// request (bad key, unknown model, malformed input) — a fault that falling back would only hide.
import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

export class EngineError extends Error {
  constructor(
    /** Which engine failed, e.g. `qwen2.5-7b at http://gpu:23333/v1`. */
    readonly engine: string,
    detail: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(`${engine}: ${detail}`, options);
    this.name = new.target.name;
  }
}

export class EngineUnavailableError extends EngineError {}

// The statuses the openai client itself retries: worth another try later, or another engine now.
const transient = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

function statusError(engine: string, status: number, detail: string, cause?: unknown): EngineError {
  const Type = transient(status) ? EngineUnavailableError : EngineError;
  return new Type(engine, `HTTP ${status}${detail ? `: ${detail}` : ''}`, status, { cause });
}

/** An error response read by hand (fetch): OpenAI, TEI and FastAPI bodies all say what went wrong differently. */
export function httpError(engine: string, status: number, body: string): EngineError {
  let detail = body.slice(0, 300);
  try {
    const json = JSON.parse(body);
    const found = json?.error?.message ?? json?.error ?? json?.detail ?? json?.message;
    if (found !== undefined) detail = typeof found === 'string' ? found : JSON.stringify(found);
  } catch {
    // not JSON: the raw text is the best we have
  }
  return statusError(engine, status, detail.trim());
}

// "Connection error." and "fetch failed" wrap the useful part: ECONNREFUSED, "other side closed"...
const GENERIC = new Set(['Connection error.', 'fetch failed']);

function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) {
    if (e.message && !GENERIC.has(e.message)) parts.push(e.message);
  }
  return parts.join(': ') || String(err);
}

/** Maps what an engine call threw. Caller aborts pass through untouched: they are nobody's failure. */
export function toEngineError(engine: string, err: unknown, timeoutMs: number): unknown {
  if (err instanceof EngineError || err instanceof APIUserAbortError) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  if (err instanceof APIConnectionTimeoutError || (err instanceof Error && err.name === 'TimeoutError')) {
    return new EngineUnavailableError(engine, `no response within ${timeoutMs} ms`, undefined, { cause: err });
  }
  if (err instanceof APIError && err.status !== undefined) {
    // The client only reads OpenAI's {error: {message}}; for other bodies its message is "<status> <json>".
    const body = err.error as { message?: unknown } | undefined;
    const detail = typeof body?.message === 'string' ? body.message : err.message.replace(/^\d{3} /, '');
    return statusError(engine, err.status, detail, err);
  }
  return new EngineUnavailableError(engine, describe(err), undefined, { cause: err });
}
