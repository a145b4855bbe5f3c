// The admin token: FENNEL_ADMIN_TOKEN, or in embedded mode one generated once and kept in
// the data directory so restarts keep it.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, type FennelConfig } from '../config/config';

export const ADMIN_TOKEN_FILE = 'admin-token';

export async function resolveAdminToken(
  config: FennelConfig,
  embedded: boolean,
): Promise<{ token: string; generated: boolean; file?: string }> {
  if (config.adminToken) return { token: config.adminToken, generated: false };
  if (!embedded) {
    throw new ConfigError([
      'FENNEL_ADMIN_TOKEN=undefined: required when DATABASE_URL is set (production mode); use at least 16 random characters, e.g. `openssl rand -hex 24`',
    ]);
  }
  const dir = resolve(config.dataDir);
  const file = join(dir, ADMIN_TOKEN_FILE);
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length >= 16) return { token, generated: false, file };
  } catch {
    // first start: create it below
  }
  await mkdir(dir, { recursive: true });
  const token = `fnl_${randomBytes(24).toString('hex')}`;
  await writeFile(file, token + '\n', { mode: 0o600 });
  return { token, generated: true, file };
}

/** For the CLI: the token from the environment, else the one in the data directory. */
export async function readAdminToken(config: FennelConfig): Promise<string | undefined> {
  if (config.adminToken) return config.adminToken;
  try {
    return (await readFile(join(resolve(config.dataDir), ADMIN_TOKEN_FILE), 'utf8')).trim();
  } catch {
    return undefined;
  }
}
