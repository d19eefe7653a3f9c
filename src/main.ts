import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import { allEndpoints } from './http/routes/index.js';
import { AddressBookRepo } from './store/address-book-repo.js';
import { BroadcastQueueRepo } from './store/broadcast-queue-repo.js';
import { BroadcastsRepo } from './store/broadcasts-repo.js';
import { openStore, type Store } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';
import { SandboxEmailTransport } from './transport/sandbox-email.js';
import { SmtpEmailTransport } from './transport/smtp-email.js';
import type { EmailTransport } from './transport/types.js';
import { createBroadcastFanOutWorker } from './workers/broadcast-fanout-worker.js';
import { createBroadcastScheduler } from './workers/broadcast-scheduler.js';
import { KyselyImportStore } from './store/imports-repo.js';
import { ImporterWorker } from './workers/importer.js';
import type { Worker } from './workers/worker.js';
import { join, resolve } from 'node:path';

/** The composition root: the only place that picks real implementations and wires them. */
export interface Platform {
  readonly ctx: AppContext;
  readonly app: FastifyInstance;
  readonly workers: readonly Worker[];
  /** Listens (roles api, all) and starts the workers (roles worker, all); resolves with the base URL, if any. */
  start(): Promise<string | undefined>;
  /** Stops taking requests, drains the workers, closes transports and the store. */
  stop(): Promise<void>;
}

export type Role = 'api' | 'worker' | 'all';
export const ROLES: readonly Role[] = ['api', 'worker', 'all'];

export interface PlatformOptions {
  log: Logger;
  now?: () => number;
  /** Overrides for tests: e.g. a transport that records instead of sending. */
  email?: EmailTransport;
  /**
   * api: HTTP only (stateless, any number behind a load balancer); worker: background work only;
   * all (default): both in one process.
   */
  role?: Role;
}

/** SMTP when SMTP_URL is set; otherwise the sandbox, which writes .eml files and says so loudly. */
export function createEmailTransport(config: Config, log: Logger): EmailTransport {
  if (config.smtpUrl !== undefined) return new SmtpEmailTransport(config.smtpUrl, log);
  return new SandboxEmailTransport(resolve(join(config.dataDir, 'outbox')), log);
}

export async function openMigratedStore(config: Config): Promise<Store> {
  const store = openStore(config.databaseUrl);
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export async function createPlatform(config: Config, options: PlatformOptions): Promise<Platform> {
  const store = await openMigratedStore(config);
  const ctx: AppContext = {
    config,
    store,
    log: options.log,
    email: options.email ?? createEmailTransport(config, options.log),
    addressBook: new AddressBookRepo(store.db),
    broadcasts: new BroadcastsRepo(store.db),
    broadcastQueue: new BroadcastQueueRepo(store.db),
    imports: new KyselyImportStore(store),
    now: options.now ?? Date.now,
  };
  const app = await buildApp(ctx, allEndpoints(ctx));
  const role = options.role ?? 'all';
  const workers: Worker[] = role === 'api' ? [] : createWorkers(ctx);
  let stopped = false;
  return {
    ctx,
    app,
    workers,
    async start() {
      const address =
        role === 'worker' ? undefined : await app.listen({ port: config.port, host: config.host });
      for (const worker of workers) worker.start();
      return address;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await Promise.all(workers.map((w) => w.stop()));
      await ctx.email.close();
      await store.close();
    },
  };
}

function createWorkers(ctx: AppContext): Worker[] {
  const now = (): number => ctx.now();
  return [
    createBroadcastScheduler(ctx.broadcasts, ctx.log, now, ctx.config.mailFrom),
    createBroadcastFanOutWorker(ctx.broadcastQueue, ctx.log, now, {
      batchSize: ctx.config.broadcastFanoutBatch,
      ratePerSecond: ctx.config.broadcastRatePerAccount,
    }),
    new ImporterWorker(ctx.imports, ctx.email, ctx.log, now, {
      leaseMs: ctx.config.importLeaseMs,
      mailFrom: ctx.config.mailFrom,
    }),
  ];
}
