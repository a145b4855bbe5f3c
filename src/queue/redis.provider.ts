import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CONFIG, type FennelConfig } from '../config/config';
import { createRedis } from './queues';

export const REDIS = Symbol('Redis');

/** Owns the shared producer connection so it is closed exactly once on shutdown. */
@Injectable()
export class RedisLifecycle implements OnModuleDestroy {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

export const redisProvider = {
  provide: REDIS,
  inject: [CONFIG],
  useFactory: (config: FennelConfig) => createRedis(config.redisUrl, 'producer'),
};
