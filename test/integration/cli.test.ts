// `fennel ingest`, `search`, `ask` and `tune` as a user runs them, against a running API.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/paths';
import { startFennel, type Harness } from '../support/fennel-harness';

const run = promisify(execFile);
let f: Harness;
let dir: string;

beforeAll(async () => {
  f = await startFennel('cli');
  dir = await mkdtemp(join(tmpdir(), 'fennel-cli-'));
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'faq.md'), '# FAQ\n\n## VPN\n\nConnect to the VPN with the client named Tunnelbear Pro.\n');
  await writeFile(join(dir, 'sub', 'notes.txt'), 'Kitchen\n\nThe dishwasher runs at 18:00 every weekday.\n');
  await writeFile(join(dir, 'sub', 'empty.md'), '   \n');
});
afterAll(async () => {
  await f?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const fennel = (...args: string[]) =>
  run(process.execPath, [join(PROJECT_ROOT, 'bin', 'fennel.js'), ...args, '--url', f.url, '--token', f.token], {
    env: { PATH: process.env.PATH ?? '' },
  });

describe('fennel CLI', () => {
  it('ingest creates the KB, uploads a folder recursively and reports ready and failed files', async () => {
    const err = await fennel('ingest', 'team', dir).catch((e: { code: number; stdout: string; stderr: string }) => e);
    // One file is empty: the command reports it and exits non-zero; the others are ready.
    expect('code' in err && err.code).toBe(1);
    expect(err.stdout).toContain('2 ready, 1 failed');
    expect(err.stdout).toMatch(/failed: .*empty\.md: The document is empty/);
    const kb = await f.api('GET', '/api/v1/kbs/team');
    expect(kb.status).toBe(200);
    const docs = await f.api('GET', '/api/v1/kbs/team/documents?status=ready');
    expect(docs.body.items).toHaveLength(2);
  });

  it('search prints ranked results with their heading path', async () => {
    const { stdout } = await fennel('search', 'team', 'which VPN client');
    const first = stdout.split('\n')[0]!;
    expect(first).toMatch(/^1\. \[\d\.\d{3}\] FAQ › VPN$/);
    expect(stdout).toContain('Tunnelbear Pro');
    const json = JSON.parse((await fennel('search', 'team', 'dishwasher', '--json')).stdout);
    expect(json.hits[0].text).toContain('18:00');
  });

  it('ask prints the cited answer and the trace of each step', async () => {
    // Asked twice on purpose: direct channels are never dropped as duplicates.
    await fennel('ask', 'team', 'When does the dishwasher run?');
    const { stdout, stderr } = await fennel('ask', 'team', 'When does the dishwasher run?');
    expect(stdout, stdout).toMatch(/18:00 every weekday.*\[1\]/);
    expect(stdout, stdout).toMatch(/^\[1\] notes$/m);
    for (const step of ['intake', 'triage', 'retrieve', 'gate', 'answer', 'verify', 'deliver'])
      expect(stderr).toContain(step);
  });

  it('tune reads example files and prints the chosen threshold with precision, recall and F1', async () => {
    await writeFile(
      join(dir, 'good.txt'),
      'which VPN client?\n# a comment\nwhen does the dishwasher run\nVPN client name?\n\n',
    );
    await writeFile(join(dir, 'bad.txt'), 'good morning all\nhaha\nwho wants pizza tonight\n');
    const { stdout } = await fennel('tune', 'team', join(dir, 'good.txt'), join(dir, 'bad.txt'));
    expect(stdout).toContain('Tuned on 3 good and 3 bad examples.');
    expect(stdout).toMatch(/threshold \d\.\d{3} · precision [\d.]+% · recall [\d.]+% · F1 [\d.]+%/);
  });

  it('explains a wrong token instead of crashing', async () => {
    const err = await run(
      process.execPath,
      [
        join(PROJECT_ROOT, 'bin', 'fennel.js'),
        'search',
        'team',
        'x',
        '--url',
        f.url,
        '--token',
        'wrong-but-long-enough',
      ],
      {
        env: { PATH: process.env.PATH ?? '' },
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect('code' in err && err.code).toBe(1);
    expect(err.stderr).toContain('fennel: The token is not valid.');
  });
});
