import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Code runs both from src/ (tests) and dist/src/ (built), so find the root by its package.json.
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'fennel') {
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`Cannot find Fennel's package.json above ${start}`);
    dir = up;
  }
}

export const PROJECT_ROOT = findRoot(__dirname);
