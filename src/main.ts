import type { FastifyInstance } from 'fastify';
import { fromStoreTransaction } from './store/transaction.js';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import { allEndpoints } from './http/routes/index.js';
import { AddressBookRepo } from './store/contacts/address-book-repo.js';
import { BroadcastQueueRepo, completeBroadcastIfDone } from './store/broadcasts/broadcast-queue-repo.js';
import { BroadcastsRepo } from './store/broadcasts/broadcasts-repo.js';
import { openStore, type Store } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';
import { OutboundRepo } from './store/messages/outbound-repo.js';
import { SandboxEmailTransport } from './transport/sandbox/sandbox-email.js';
import { SandboxSmsTransport } from './transport/sandbox/sandbox-sms.js';
import { SandboxVoiceTransport } from './transport/sandbox/sandbox-voice.js';
import { createSmppTransport, SmppTransport } from './transport/smpp/smpp-transport.js';
import { SmtpEmailTransport } from './transport/smtp/smtp-email.js';
import type {
  EmailTransport,
  SmsTransport,
  SmsTransportHandlers,
  VoiceTransport,
} from './domain/ports/transports.js';
import { createBroadcastFanOutWorker } from './workers/broadcast-fanout-worker.js';
import { createBroadcastScheduler } from './workers/broadcast-scheduler.js';
import { EmailDispatcher } from './workers/email-dispatcher.js';
import { receiveInbound } from './workers/inbound-handler.js';
import { MessageEvents } from './domain/messages/message-events.js';
import type { ReceiptHandler } from './workers/receipt-handler.js';
import { createReceiptHandler, createSmsDispatcher } from './outbound-wiring.js';
import { VerificationCaller } from './workers/verification-caller.js';
import { KyselyImportStore } from './store/imports/imports-repo.js';
import { ImporterWorker } from './workers/importer.js';
import { forwardStatusesToWebhooks } from './workers/webhook-events.js';
import { createWebhookSender } from './workers/webhook-sender.js';
import type { Worker } from './workers/worker.js';
import { BindSlotsWorker } from './workers/bind-slots.js';
import { createStatisticsKeeper } from './workers/statistics-keeper.js';
import { KyselyBindSlotStore } from './store/carriers/smpp-binds-repo.js';
import { PostgresMaintenance } from './store/postgres/pg-statistics.js';
import { KyselyQueueStats } from './store/queue/queue-stats.js';
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

/** Group-committed `send` transactions in flight at once per process on PostgreSQL (of its pool). */
const POSTGRES_SEND_TRANSACTIONS = 4;
export const ROLES: readonly Role[] = ['api', 'worker', 'all'];

export interface PlatformOptions {
  log: Logger;
  now?: () => number;
  /** Overrides for tests: e.g. a transport that records instead of sending. */
  email?: EmailTransport;
  sms?: SmsTransport;
  voice?: VoiceTransport;
  /**
   * Tests of what gets queued (broadcast fan-out): run every worker but the SMS and email
   * dispatchers, so queued rows stay queued for the assertions.
   */
  holdOutbound?: boolean;
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

/** The SMS carrier connection: SMPP when SMPP_URL is set, else the sandbox (which says so loudly). */
export function createSmsTransport(config: Config, log: Logger): SmsTransport {
  // Connectors with max_binds bind only while this process holds a slot (workers/bind-slots.ts).
  if (config.smppUrl !== undefined) return createSmppTransport(config.smppUrl, log, true);
  const sandbox = config.sandboxSms;
  return new SandboxSmsTransport(log, {
    outcome: sandbox.outcome,
    receiptDelayMs: sandbox.receiptDelayMs,
    submitDelayMs: sandbox.submitDelayMs,
    ...(sandbox.logFile ? { logFile: resolve(sandbox.logFile) } : {}),
  });
}

/** Voice calls for verification codes: only the sandbox exists yet (a SIP transport plugs in here). */
export function createVoiceTransport(config: Config, log: Logger): VoiceTransport {
  return new SandboxVoiceTransport(resolve(join(config.dataDir, 'voice-calls.jsonl')), log);
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
  const role = options.role ?? 'all';
  // Only a process that runs the workers talks to the carrier.
  const withWorkers = role !== 'api';
  const messageEvents = new MessageEvents();
  const ctx: AppContext = {
    config,
    store,
    log: options.log,
    email: options.email ?? createEmailTransport(config, options.log),
    addressBook: new AddressBookRepo(store.db),
    broadcasts: new BroadcastsRepo(store.db),
    broadcastQueue: new BroadcastQueueRepo(store.db, store.dialect),
    sms: options.sms ?? (withWorkers ? createSmsTransport(config, options.log) : idleSmsTransport),
    voice: options.voice ?? (withWorkers ? createVoiceTransport(config, options.log) : idleVoiceTransport),
    outbound: new OutboundRepo(
      store.db,
      () => messageEvents.notifyQueued('sms'),
      store.dialect === 'postgres' ? POSTGRES_SEND_TRANSACTIONS : 1,
    ),
    messageEvents,
    imports: new KyselyImportStore(store),
    queueStats: new KyselyQueueStats(store.db),
    now: options.now ?? Date.now,
  };
  const app = await buildApp(ctx, allEndpoints(ctx));
  const outbound = withWorkers ? createWorkers(ctx, options.holdOutbound ?? false) : undefined;
  const workers: Worker[] = outbound?.workers ?? [];
  let stopped = false;
  return {
    ctx,
    app,
    workers,
    async start() {
      const address =
        role === 'worker' ? undefined : await app.listen({ port: config.port, host: config.host });
      if (outbound) await ctx.sms.start(outbound.smsHandlers);
      for (const worker of workers) worker.start();
      return address;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      // Senders first (they drain what is in flight), then the carrier link, then the receipts it
      // delivered until it closed.
      await Promise.all(workers.filter((w) => w !== outbound?.receipts).map((w) => w.stop()));
      await ctx.sms.close();
      await outbound?.bindSlots?.release();
      await outbound?.receipts.stop();
      await ctx.voice.close();
      await ctx.email.close();
      await store.close();
    },
  };
}

interface OutboundWorkers {
  readonly workers: Worker[];
  readonly smsHandlers: SmsTransportHandlers;
  readonly receipts: ReceiptHandler;
  readonly bindSlots: BindSlotsWorker | undefined;
}

function createWorkers(ctx: AppContext, holdOutbound: boolean): OutboundWorkers {
  const now = (): number => ctx.now();
  const base = { store: ctx.store, log: ctx.log, now };
  const receipts = createReceiptHandler({
    ...base,
    events: ctx.messageEvents,
    receiptRetries: ctx.config.dispatch.receiptRetries,
  });
  const dispatcher = createSmsDispatcher({
    ...base,
    sms: ctx.sms,
    events: ctx.messageEvents,
    config: ctx.config.dispatch,
  });
  const emails = new EmailDispatcher({ ...base, email: ctx.email, leaseMs: ctx.config.dispatch.leaseMs });
  ctx.messageEvents.onQueued('email', () => emails.wake());
  const caller = new VerificationCaller({
    ...base,
    voice: ctx.voice,
    events: ctx.messageEvents,
    fallbackWaitMs: ctx.config.verify.fallbackWaitMs,
  });
  const webhooks = createWebhookSender(ctx.store, ctx.log, now, {
    allowPrivate: ctx.config.webhookAllowPrivate,
  });
  forwardStatusesToWebhooks(ctx.messageEvents, now, () => webhooks.wake());
  // A broadcast completes the moment its last SMS settles (the fan-out worker's sweep is the backstop).
  ctx.messageEvents.onFinal(async (events, trx) => {
    const broadcastIds = new Set(events.flatMap((e) => (e.broadcastId === null ? [] : [e.broadcastId])));
    // In id order: each completion check locks its broadcast's row, and two transactions taking
    // them in different orders could deadlock.
    for (const id of [...broadcastIds].sort((a, b) => a - b))
      await completeBroadcastIfDone(fromStoreTransaction(trx), id, now());
  });
  const bindSlots =
    ctx.sms instanceof SmppTransport && ctx.sms.slotted.length > 0
      ? new BindSlotsWorker({
          ...base,
          slots: new KyselyBindSlotStore(ctx.store.db),
          transport: ctx.sms,
          leaseMs: ctx.config.dispatch.bindLeaseMs,
          onActivated: () => dispatcher.wake(),
        })
      : undefined;
  return {
    bindSlots,
    workers: [
      ...(bindSlots ? [bindSlots] : []),
      ...(holdOutbound ? [] : [dispatcher, emails]),
      receipts,
      caller,
      webhooks,
      createBroadcastScheduler(ctx.broadcasts, ctx.log, now, ctx.config.mailFrom),
      createBroadcastFanOutWorker(ctx.broadcastQueue, ctx.log, now, {
        batchSize: ctx.config.broadcastFanoutBatch,
        ratePerSecond: ctx.config.broadcastRatePerAccount,
        onQueued: () => {
          ctx.messageEvents.notifyQueued('sms');
          ctx.messageEvents.notifyQueued('email');
        },
      }),
      new ImporterWorker(ctx.imports, () => ctx.messageEvents.notifyQueued('email'), ctx.log, now, {
        leaseMs: ctx.config.importLeaseMs,
        mailFrom: ctx.config.mailFrom,
      }),
      ...(ctx.store.dialect === 'postgres'
        ? [createStatisticsKeeper(new PostgresMaintenance(ctx.store.db), ctx.log)]
        : []),
    ],
    receipts,
    smsHandlers: {
      onReceipt: (receipt) => receipts.handle(receipt),
      onInbound: async (sms) => {
        await receiveInbound(ctx.store.db, ctx.log, sms, {
          onQueued: () => ctx.messageEvents.notifyQueued('sms'),
          onWebhookQueued: () => webhooks.wake(),
        });
      },
    },
  };
}

/** The transports of a process without workers (`--role api`): nothing is ever sent through them. */
const idleSmsTransport: SmsTransport = {
  kind: 'none',
  async start() {},
  async submit() {
    throw new Error('this process runs no SMS dispatcher');
  },
  status: () => [],
  async close() {},
};

const idleVoiceTransport: VoiceTransport = {
  kind: 'none',
  async placeCall() {
    throw new Error('this process places no calls');
  },
  async close() {},
};
