// One Prometheus registry per process. The API exposes it at /metrics; a standalone worker
// serves it on FENNEL_WORKER_METRICS_PORT.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'fennel_' });

export const httpDuration = new Histogram({
  name: 'fennel_http_request_duration_seconds',
  help: 'HTTP request latency by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'fennel_job_duration_seconds',
  help: 'Job processing time by queue and outcome',
  labelNames: ['queue', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [registry],
});

export const jobFailures = new Counter({
  name: 'fennel_job_failures_total',
  help: 'Failed job attempts by queue and whether the failure was final',
  labelNames: ['queue', 'final'] as const,
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: 'fennel_queue_jobs',
  help: 'Jobs per queue and state, read from Redis at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
});
