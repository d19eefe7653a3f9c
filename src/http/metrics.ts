import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics at GET /metrics: the process's defaults plus one counter and one latency
 * histogram of API requests by endpoint and status. Other parts register theirs on `registry`.
 */
export function installMetrics(
  app: FastifyInstance,
  guard: (request: FastifyRequest) => Promise<void>,
  registry = new Registry(),
): Registry {
  collectDefaultMetrics({ register: registry, prefix: 'vudumobile_' });
  const requests = new Counter({
    name: 'vudumobile_api_requests_total',
    help: 'API requests by endpoint and HTTP status',
    labelNames: ['endpoint', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'vudumobile_api_request_seconds',
    help: 'API request latency by endpoint',
    labelNames: ['endpoint'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const url = request.routeOptions.url;
    // Unknown paths share one label: a scanner must not create a series per path it tries.
    const endpoint = url?.startsWith('/api/') ? url.slice(5) : 'other';
    requests.inc({ endpoint, status: String(reply.statusCode) });
    latency.observe({ endpoint }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true }, onRequest: guard }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}
