import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config';

describe('loadConfig', () => {
  it('applies the documented defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      redisUrl: 'redis://127.0.0.1:6379',
      dataDir: './data',
      maxUploadBytes: 50 * 1024 * 1024,
      migrateOnBoot: true,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('parses sizes, booleans and numbers', () => {
    const c = loadConfig({ FENNEL_MAX_UPLOAD_BYTES: '2mb', FENNEL_MIGRATE_ON_BOOT: 'false', PORT: '8080' });
    expect(c.maxUploadBytes).toBe(2 * 1024 * 1024);
    expect(c.migrateOnBoot).toBe(false);
    expect(c.port).toBe(8080);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ', PORT: '' }).databaseUrl).toBeUndefined();
  });

  it('names every wrong variable and why', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', FENNEL_ADMIN_TOKEN: 'short', REDIS_URL: 'http://r' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT="eighty"/);
    expect(problems).toMatch(/DATABASE_URL="mysql:\/\/x": must start with postgres:\/\//);
    expect(problems).toMatch(/FENNEL_ADMIN_TOKEN="short": must be at least 16 characters/);
    expect(problems).toMatch(/REDIS_URL="http:\/\/r": must start with redis:\/\//);
  });
});

describe('.env.example', () => {
  it('documents every variable the schema reads, and its values are valid', async () => {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { PROJECT_ROOT } = await import('../../src/config/paths');
    const { CONFIG_VARIABLES } = await import('../../src/config/config');
    const text = await readFile(join(PROJECT_ROOT, '.env.example'), 'utf8');
    const env = Object.fromEntries([...text.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(env).sort()).toEqual([...CONFIG_VARIABLES].sort());
    expect(() => loadConfig(env)).not.toThrow();
  });
});
