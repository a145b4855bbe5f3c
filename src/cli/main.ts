// `fennel` — one codebase, the role chosen by command.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { Command } from 'commander';
import { ConfigError, loadConfig, loadDotEnv, type FennelConfig } from '../config/config';
import { readAdminToken } from '../admin/admin-token';
import { migrate } from '../database/migrator';
import { createLogger } from '../observability/logger';
import { registry } from '../observability/metrics';
import { openDatabase, start } from '../runtime';
import { ApiClient } from './api-client';
import { ingestCommand } from './ingest.command';

function config(): FennelConfig {
  try {
    loadDotEnv();
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable and its default.\n`);
      process.exit(2);
    }
    throw err;
  }
}

function onSignals(stop: () => Promise<void>) {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`\n${signal}: shutting down…\n`);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function run(roles: { api: boolean; workers: boolean }) {
  const cfg = config();
  const log = createLogger(cfg.logLevel);
  const running = await start(cfg, log, roles);
  onSignals(running.stop);
  if (roles.workers && !roles.api && cfg.workerMetricsPort > 0) {
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') return res.writeHead(404).end();
      registry.metrics().then((body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body));
    }).listen(cfg.workerMetricsPort, '0.0.0.0');
    server.unref();
  }
  if (running.url) {
    const lines = [
      `Fennel is running at ${running.url}  (API docs: ${running.url}/api/docs)`,
      running.embedded ? `Embedded Postgres data: ${cfg.dataDir}` : undefined,
      `Admin token: ${running.adminToken}`,
      `Try:  curl -H "Authorization: Bearer ${running.adminToken}" ${running.url}/api/v1/kbs`,
    ].filter(Boolean);
    process.stdout.write(lines.join('\n') + '\n');
  } else {
    process.stdout.write('Fennel workers are running.\n');
  }
}

async function client(cfg: FennelConfig, opts: { url?: string; token?: string }) {
  const token = opts.token ?? (await readAdminToken(cfg));
  if (!token) throw new Error('No admin token: set FENNEL_ADMIN_TOKEN or pass --token.');
  return new ApiClient(opts.url ?? `http://127.0.0.1:${cfg.port}`, token);
}

const program = new Command()
  .name('fennel')
  .description('Self-hosted knowledge-base bot: knowledge bases, grounded answers, explainable traces.')
  .showHelpAfterError();

program
  .command('start')
  .description('API + workers in one process; embedded Postgres when DATABASE_URL is unset')
  .action(() => run({ api: true, workers: true }));
program
  .command('api')
  .description('HTTP API only (scale out behind a load balancer)')
  .action(() => run({ api: true, workers: false }));
program
  .command('worker')
  .description('BullMQ workers only (ingest); scale by adding processes')
  .action(() => run({ api: false, workers: true }));
program
  .command('migrate')
  .description('Apply pending SQL migrations and exit')
  .action(async () => {
    const cfg = config();
    const log = createLogger(cfg.logLevel);
    const { db, embedded } = await openDatabase(cfg, log);
    try {
      const applied = await migrate(db);
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Nothing to apply.\n');
    } finally {
      await db.close();
      await embedded?.stop();
    }
  });

const remote = (cmd: Command) =>
  cmd
    .option('--url <url>', 'Fennel API base URL (default http://127.0.0.1:$PORT)')
    .option('--token <token>', 'admin token (default FENNEL_ADMIN_TOKEN or the data directory)');

remote(
  program
    .command('ingest <kb> <paths...>')
    .description(
      'Upload files or folders to a knowledge base (created if missing) and wait until each is ready or failed',
    ),
).action(async (kb: string, paths: string[], opts: { url?: string; token?: string }) => {
  const api = await client(config(), opts);
  const failed = await ingestCommand(api, kb, paths);
  process.exitCode = failed > 0 ? 1 : 0;
});

remote(program.command('search <kb> <query>').description('Search a knowledge base'))
  .option('-k, --top-k <n>', 'number of results', '5')
  .option('--json', 'print the raw JSON')
  .action(async (kb: string, query: string, opts: { url?: string; token?: string; topK: string; json?: boolean }) => {
    const api = await client(config(), opts);
    const result = await api.search(kb, query, Number(opts.topK));
    if (opts.json) return void process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    result.hits.forEach((h, i) => {
      // The top heading is usually the title itself; say it once.
      const path = h.headingPath[0] === h.title ? h.headingPath : [h.title, ...h.headingPath];
      const where = path.join(' › ') + (h.page ? ` (p. ${h.page})` : '');
      process.stdout.write(
        `${i + 1}. [${h.score.toFixed(3)}] ${where}\n   ${h.text.replace(/\s+/g, ' ').slice(0, 240)}\n`,
      );
    });
    if (!result.hits.length) process.stdout.write('No results.\n');
  });

/** One example question per line; blank lines and lines starting with # are skipped. */
const exampleLines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

remote(
  program
    .command('tune <kb> <good> <bad>')
    .description(
      "Tune a knowledge base's answer gate on example questions it should answer (good) and should not (bad), one per line",
    ),
).action(async (kb: string, good: string, bad: string, opts: { url?: string; token?: string }) => {
  const api = await client(config(), opts);
  const r = await api.tune(kb, await exampleLines(good), await exampleLines(bad));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  process.stdout.write(
    `Tuned on ${r.examples.good} good and ${r.examples.bad} bad examples.\n` +
      `threshold ${r.threshold.toFixed(3)} · precision ${pct(r.precision)} · recall ${pct(r.recall)} · F1 ${pct(r.f1)}\n`,
  );
});

remote(
  program.command('ask <kb> <question>').description('Ask a knowledge base a question through the answer pipeline'),
)
  .option('--json', 'print the raw JSON, trace included')
  .action(async (kb: string, question: string, opts: { url?: string; token?: string; json?: boolean }) => {
    const api = await client(config(), opts);
    const r = await api.ask(kb, question);
    if (opts.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    process.stdout.write(r.decision === 'answer' ? `${r.reply}\n` : `(no answer: ${r.reason})\n`);
    for (const t of r.trace) {
      const score =
        t.score !== undefined
          ? ` ${t.score.toFixed(3)}${t.threshold !== undefined ? ` / ${t.threshold.toFixed(3)}` : ''}`
          : '';
      process.stderr.write(`  ${t.step.padEnd(8)} ${t.decision.padEnd(8)}${score}  ${t.adapter} ${t.durationMs} ms\n`);
    }
  });

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`fennel: ${err.message}\n`);
  process.exit(1);
});
