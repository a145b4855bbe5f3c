// The API process's module graph. Runtime objects made at boot (config, pool, token) come in
// as values so nothing below reads the environment or opens its own connections.
import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from './observability/logger';
import { APP_GUARD } from '@nestjs/core';
import { MulterModule } from '@nestjs/platform-express';
import { ADMIN_TOKEN, AuthGuard } from './admin/auth.guard';
import { CONFIG, type FennelConfig } from './config/config';
import { Database } from './database/database';
import { DocumentsController } from './knowledge/documents.controller';
import { DocumentsRepository } from './knowledge/documents.repository';
import { DocumentsService } from './knowledge/documents.service';
import { KbsController } from './knowledge/kbs.controller';
import { KbsRepository } from './knowledge/kbs.repository';
import { KbsService } from './knowledge/kbs.service';
import { HealthController } from './observability/health.controller';
import { IngestProducer } from './queue/ingest.producer';
import { ReembedProducer } from './queue/reembed.producer';
import { SyncProducer } from './queue/sync.producer';
import { SourcesController } from './knowledge/sources.controller';
import { SourcesRepository } from './knowledge/sources.repository';
import { SourcesService } from './knowledge/sources.service';
import { RedisLifecycle, redisProvider } from './queue/redis.provider';
import { SearchController } from './retrieval/search.controller';
import { SearchRepository } from './retrieval/search.repository';
import { SearchService } from './retrieval/search.service';
import { chatModelProvider, embeddersProvider, rerankerProvider } from './inference/inference.providers';
import { AnswersController } from './pipeline/answers.controller';
import { AnswersRepository } from './pipeline/answers.repository';
import { AskService } from './pipeline/ask.service';
import { ChatCompletionsController } from './pipeline/chat-completions.controller';
import { TuneController } from './pipeline/tune.controller';

export interface AppRuntime {
  config: FennelConfig;
  db: Database;
  adminToken: string;
  log: Logger;
}

@Module({})
export class AppModule {
  static forRoot(rt: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        MulterModule.register({
          // One over the limit so multer reports "too large" rather than truncating silently.
          limits: { fileSize: rt.config.maxUploadBytes, files: 100, fieldSize: 1024 * 1024 },
        }),
      ],
      controllers: [
        HealthController,
        KbsController,
        DocumentsController,
        SourcesController,
        SearchController,
        AnswersController,
        TuneController,
        ChatCompletionsController,
      ],
      providers: [
        { provide: CONFIG, useValue: rt.config },
        { provide: Database, useValue: rt.db },
        { provide: ADMIN_TOKEN, useValue: rt.adminToken },
        { provide: LOGGER, useValue: rt.log },
        { provide: APP_GUARD, useClass: AuthGuard },
        redisProvider,
        RedisLifecycle,
        IngestProducer,
        SyncProducer,
        SourcesRepository,
        SourcesService,
        KbsRepository,
        KbsService,
        DocumentsRepository,
        DocumentsService,
        SearchRepository,
        SearchService,
        embeddersProvider,
        ReembedProducer,
        chatModelProvider,
        rerankerProvider,
        AnswersRepository,
        AskService,
      ],
    };
  }
}
