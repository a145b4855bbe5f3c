// Boot sequence shared by every role: config -> database (embedded or not) -> migrations ->
// API and/or workers. Returns a handle that shuts everything down in reverse order.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { resolveAdminToken } from './admin/admin-token';
import { ApiExceptionFilter } from './admin/api-exception.filter';
import { AppModule } from './app.module';
import type { FennelConfig } from './config/config';
import { Database } from './database/database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './database/embedded-postgres';
import { migrate } from './database/migrator';
import { httpMetrics } from './observability/http-metrics.middleware';
import { PinoNestLogger } from './observability/logger';
import { startWorkers, type WorkerRuntime } from '../workers/worker-runtime';

export interface Running {
  url?: string;
  adminToken: string;
  embedded: boolean;
  db: Database;
  stop(): Promise<void>;
}

export async function openDatabase(
  config: FennelConfig,
  log: Logger,
): Promise<{ db: Database; embedded?: EmbeddedPostgres }> {
  if (config.databaseUrl) {
    return {
      db: new Database({
        connectionString: config.databaseUrl,
        maxConnections: config.databasePoolSize,
        namedStatements: true,
      }),
    };
  }
  const embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort);
  log.info({ dataDir: config.dataDir, url: embedded.url }, 'embedded Postgres (PGlite + pgvector) started');
  // PGlite is one session: a second pooled connection would share (and corrupt) transactions.
  return { db: new Database({ connectionString: embedded.url, maxConnections: 1 }), embedded };
}

export async function createApi(
  config: FennelConfig,
  db: Database,
  adminToken: string,
  log: Logger,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, db, adminToken, log }), {
    logger: new PinoNestLogger(log),
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: '2mb' });
  app.use(httpMetrics);
  app.useGlobalFilters(new ApiExceptionFilter(log));
  const doc = new DocumentBuilder()
    .setTitle('Fennel API')
    .setDescription('Knowledge bases, documents, search. Authenticate with an admin token as a Bearer token.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  return app;
}

export async function start(
  config: FennelConfig,
  log: Logger,
  roles: { api: boolean; workers: boolean },
): Promise<Running> {
  const { db, embedded } = await openDatabase(config, log);
  const closers: (() => Promise<void>)[] = [async () => db.close(), ...(embedded ? [() => embedded.stop()] : [])];
  const stop = async () => {
    for (const c of closers.splice(0))
      await c().catch((err: Error) => log.warn({ err: err.message }, 'shutdown step failed'));
  };
  try {
    if (config.migrateOnBoot || embedded) {
      const applied = await migrate(db);
      if (applied.length) log.info({ applied }, 'migrations applied');
    }
    const token = roles.api ? await resolveAdminToken(config, Boolean(embedded)) : undefined;
    let workers: WorkerRuntime | undefined;
    if (roles.workers) {
      workers = await startWorkers(config, db, log);
      closers.unshift(() => workers!.close());
    }
    let url: string | undefined;
    if (roles.api) {
      const app = await createApi(config, db, token!.token, log);
      await app.listen(config.port, config.host);
      const addr = app.getHttpServer().address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      url = `http://127.0.0.1:${port}`;
      closers.unshift(() => app.close());
    }
    return { url, adminToken: token?.token ?? '', embedded: Boolean(embedded), db, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
