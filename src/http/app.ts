import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { DomainError, invalidRequestBody } from '../domain/errors.js';
import { registerEndpoint, type Endpoint } from './endpoint.js';
import { installErrorHandling } from './errors.js';
import { clientErrorAnswer, installProtocolAnswers, routerErrorAnswer } from './protocol-errors.js';
import { installConnectorMetrics } from './connector-metrics.js';
import { healthReport } from './health.js';
import { installMetrics } from './metrics.js';
import { installQueueMetrics } from './queue-metrics.js';
import { decodeUtf8Body, parseJsonParams, parseUrlEncoded } from './params.js';
import { createAuthenticator, KEY_HEADER, type Authenticator } from './auth.js';
import { apiLimitError, installRateLimits } from './rate-limits.js';
import { installSecurityHeaders, operatorTokenGuard } from './security-headers.js';
import { createWebApp } from '../web/web-app.js';

export const BODY_LIMIT = 1024 * 1024;

const DEFAULT_ICON = readFileSync(new URL('../../assets/images/contact_icons/default.png', import.meta.url));

/** Builds the Fastify app: parsers, error mapping, OpenAPI, and every endpoint given. */
export async function buildApp(ctx: AppContext, endpoints: readonly Endpoint[]): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = ctx.log;
  const web = createWebApp(ctx);
  const app = Fastify({
    loggerInstance: logger,
    // Per-request access logs cost more than the request itself at thousands a second; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    trustProxy: ctx.config.trustedProxies.length > 0 ? [...ctx.config.trustedProxies] : false,
    genReqId: () => randomUUID(),
    // Query strings are decoded strictly by the endpoint layer; Fastify's copy is unused.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Requests refused below the API still get the contract's JSON (protocol-errors.ts).
    clientErrorHandler: clientErrorAnswer(logger),
    frameworkErrors: routerErrorAnswer(web.notFoundPage, logger),
    http: { requireHostHeader: false },
  });
  installErrorHandling(app, web.notFoundPage);
  installSecurityHeaders(app);
  const operatorOnly = operatorTokenGuard(ctx.config.security.metricsToken);
  installProtocolAnswers(app);
  const metrics = installMetrics(app, operatorOnly);
  installQueueMetrics(metrics, ctx.queueStats, () => ctx.now(), ctx.log);
  installConnectorMetrics(metrics, () => ctx.sms.status());
  installBodyParsers(app);
  const limits = await installRateLimits(app, ctx.rateCounter, ctx.config.security.rateLimits, ctx.log);
  await app.register(fastifyMultipart);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'VuduMobile API',
        version: '2019.1',
        description:
          'The VuduMobile HTTP API (provider document of 14 January 2019) as served by this platform. ' +
          'Every endpoint answers POST and GET; parameters as form, multipart, JSON or query string. ' +
          'Items marked (extension) go beyond the 2019 document.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: KEY_HEADER.toUpperCase() } },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const authenticate = createAuthenticator(ctx);
  // The key first (a 401 or 403 counts against nothing), then its limits.
  const admit: Authenticator = async (request, reply) => {
    const auth = await authenticate(request, reply);
    const exceeded = await limits.api(request, reply, auth);
    if (exceeded) throw apiLimitError(exceeded);
    return auth;
  };
  for (const endpoint of endpoints) registerEndpoint(app, admit, endpoint);

  await web.register(app, { signIn: limits.signIn });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // Each SMS connector's state (bound, retrying and why) for operators and load balancers.
  app.get('/health', { schema: { hide: true }, onRequest: operatorOnly }, async () => healthReport(ctx));
  app.get('/assets/images/contact_icons/default.png', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('image/png').header('cache-control', 'public, max-age=86400').send(DEFAULT_ICON),
  );
  return app;
}

function installBodyParsers(app: FastifyInstance): void {
  // Only the three documented body types are parsed; anything else is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseUrlEncoded(decodeUtf8Body(body as Buffer)));
    } catch (error) {
      done(error instanceof DomainError ? error : invalidRequestBody(), undefined);
    }
  });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonParams(decodeUtf8Body(body as Buffer)));
    } catch (error) {
      done(error instanceof DomainError ? error : invalidRequestBody(), undefined);
    }
  });
}
