// The only reader of process.env: validated once at boot into a typed, frozen object.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const bytes = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'expected a size such as 52428800, 50mb or 1gb')
  .transform((v) => {
    const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(v.trim())!;
    const unit = (m[2] ?? 'b').toLowerCase();
    const mult = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[unit as 'b'];
    return Math.round(Number(m[1]) * mult);
  });

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://');

const redisUrl = z.string().refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  FENNEL_QUEUE_PREFIX: z.string().min(1).default('fennel'),
  FENNEL_DATA_DIR: z.string().min(1).default('./data'),
  FENNEL_EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(54329),
  FENNEL_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters so it cannot be guessed').optional(),
  FENNEL_MAX_UPLOAD_BYTES: bytes.default(50 * 1024 * 1024),
  FENNEL_MAX_KB_BYTES: bytes.default(5 * 1024 ** 3),
  FENNEL_INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  FENNEL_PARSE_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  FENNEL_PARSE_MAX_HEAP_MB: z.coerce.number().int().min(16).max(16384).default(1024),
  FENNEL_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  FENNEL_JOB_BACKOFF_MS: z.coerce.number().int().min(0).default(2000),
  FENNEL_JOB_LOCK_MS: z.coerce.number().int().min(500).default(30000),
  FENNEL_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  FENNEL_MIGRATE_ON_BOOT: bool.default(true),
  FENNEL_LLM_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:23333/v1' })
    .optional(),
  FENNEL_LLM_MODEL: z.string().min(1).optional(),
  FENNEL_LLM_API_KEY: z.string().min(1).optional(),
  FENNEL_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  FENNEL_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  FENNEL_LLM_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  FENNEL_RERANK_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  FENNEL_RERANK_API: z.enum(['tei', 'jina']).default('tei'),
  FENNEL_RERANK_MODEL: z.string().min(1).optional(),
  FENNEL_EMBED_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  FENNEL_EMBED_API_KEY: z.string().min(1).optional(),
  FENNEL_EMBED_MODEL: z.string().min(1).optional(),
  FENNEL_EMBED_DIMENSION: z.coerce.number().int().min(1).max(1900).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Every variable Fennel reads; .env.example must document each (a unit test checks). */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

export type FennelConfig = Readonly<{
  port: number;
  host: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  redisUrl: string;
  queuePrefix: string;
  dataDir: string;
  embeddedPgPort: number;
  adminToken: string | undefined;
  maxUploadBytes: number;
  maxKbBytes: number;
  ingestConcurrency: number;
  parseTimeoutMs: number;
  parseMaxHeapMb: number;
  jobAttempts: number;
  jobBackoffMs: number;
  jobLockMs: number;
  workerMetricsPort: number;
  migrateOnBoot: boolean;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** The OpenAI-compatible inference engine; absent → built-in mode (no model). */
  llm:
    | { baseURL: string; model: string; apiKey?: string; timeoutMs: number; maxRetries: number; concurrency: number }
    | undefined;
  rerank: { baseURL: string; api: 'tei' | 'jina'; model?: string } | undefined;
  /**
   * The OpenAI-compatible /embeddings server KBs may choose models on (FENNEL_EMBED_BASE_URL, else
   * the inference engine's). `defaultModel` is what a new KB records when it names none.
   */
  embed:
    | {
        baseURL: string;
        apiKey?: string;
        timeoutMs: number;
        maxRetries: number;
        defaultModel?: { model: string; dimension?: number };
      }
    | undefined;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming every wrong variable and why. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): FennelConfig {
  // Empty strings mean "unset" — a blank line in .env must not become a value.
  const cleaned = Object.fromEntries(
    Object.keys(schema.shape).flatMap((k) => {
      const v = env[k];
      return v === undefined || v.trim() === '' ? [] : [[k, v.trim()]];
    }),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0]);
        return `${name}=${JSON.stringify(cleaned[name])}: ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  if (e.FENNEL_LLM_BASE_URL && !e.FENNEL_LLM_MODEL) {
    throw new ConfigError([
      'FENNEL_LLM_MODEL: required when FENNEL_LLM_BASE_URL is set (the served model id, see GET <base>/models)',
    ]);
  }
  const embedBase = e.FENNEL_EMBED_BASE_URL ?? e.FENNEL_LLM_BASE_URL;
  if (e.FENNEL_EMBED_MODEL && !embedBase) {
    throw new ConfigError([
      'FENNEL_EMBED_MODEL: needs FENNEL_EMBED_BASE_URL (or FENNEL_LLM_BASE_URL) to reach the model',
    ]);
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.FENNEL_QUEUE_PREFIX,
    dataDir: e.FENNEL_DATA_DIR,
    embeddedPgPort: e.FENNEL_EMBEDDED_PG_PORT,
    adminToken: e.FENNEL_ADMIN_TOKEN,
    maxUploadBytes: e.FENNEL_MAX_UPLOAD_BYTES,
    maxKbBytes: e.FENNEL_MAX_KB_BYTES,
    ingestConcurrency: e.FENNEL_INGEST_CONCURRENCY,
    parseTimeoutMs: e.FENNEL_PARSE_TIMEOUT_MS,
    parseMaxHeapMb: e.FENNEL_PARSE_MAX_HEAP_MB,
    jobAttempts: e.FENNEL_JOB_ATTEMPTS,
    jobBackoffMs: e.FENNEL_JOB_BACKOFF_MS,
    jobLockMs: e.FENNEL_JOB_LOCK_MS,
    workerMetricsPort: e.FENNEL_WORKER_METRICS_PORT,
    migrateOnBoot: e.FENNEL_MIGRATE_ON_BOOT,
    logLevel: e.LOG_LEVEL,
    llm: e.FENNEL_LLM_BASE_URL
      ? {
          baseURL: e.FENNEL_LLM_BASE_URL,
          model: e.FENNEL_LLM_MODEL!,
          apiKey: e.FENNEL_LLM_API_KEY,
          timeoutMs: e.FENNEL_LLM_TIMEOUT_MS,
          maxRetries: e.FENNEL_LLM_MAX_RETRIES,
          concurrency: e.FENNEL_LLM_CONCURRENCY,
        }
      : undefined,
    rerank: e.FENNEL_RERANK_BASE_URL
      ? { baseURL: e.FENNEL_RERANK_BASE_URL, api: e.FENNEL_RERANK_API, model: e.FENNEL_RERANK_MODEL }
      : undefined,
    embed: embedBase
      ? {
          baseURL: embedBase,
          apiKey: e.FENNEL_EMBED_API_KEY ?? e.FENNEL_LLM_API_KEY,
          timeoutMs: e.FENNEL_LLM_TIMEOUT_MS,
          maxRetries: e.FENNEL_LLM_MAX_RETRIES,
          defaultModel: e.FENNEL_EMBED_MODEL
            ? { model: e.FENNEL_EMBED_MODEL, dimension: e.FENNEL_EMBED_DIMENSION }
            : undefined,
        }
      : undefined,
  });
}

export const CONFIG = Symbol('FennelConfig');

/** Loads ./.env into process.env when present (real environment variables win). */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
