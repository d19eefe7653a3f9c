import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import type { CliServices } from './cli/command-services.js';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import { allEndpoints } from './http/routes/index.js';
import { AccountsService } from './domain/accounts/accounts-service.js';
import { KyselyAccountsStore } from './store/accounts/kysely-accounts-store.js';
import { UsersService } from './domain/users/users-service.js';
import { KyselyUsersStore } from './store/users/kysely-users-store.js';
import { Argon2Hasher } from './security/argon2-hasher.js';
import { AddressBookService } from './domain/contacts/address-book-service.js';
import { AddressBookRepo } from './store/contacts/address-book-repo.js';
import { CaslFooterSettings } from './domain/consent/casl-footer-settings.js';
import { KyselyCaslFooterStore } from './store/consent/casl-footer-repo.js';
import { ConsentService } from './domain/consent/consent-service.js';
import { SuppressionService } from './domain/consent/suppression-service.js';
import { KyselyConsentLog } from './store/consent/consent-log-repo.js';
import { KyselySuppressions } from './store/consent/suppressions-repo.js';
import { BroadcastCompletion, completeBroadcastsOnFinal } from './domain/broadcasts/broadcast-completion.js';
import { BroadcastFanOut, type FanOutSettings } from './domain/broadcasts/broadcast-fanout.js';
import { BroadcastService } from './domain/broadcasts/broadcast-service.js';
import type { BroadcastQueueStore } from './domain/ports/broadcast-queue.js';
import { BroadcastQueueRepo } from './store/broadcasts/broadcast-queue-repo.js';
import { BroadcastReportRepo } from './store/broadcasts/broadcast-report-repo.js';
import { BroadcastsRepo } from './store/broadcasts/broadcasts-repo.js';
import { DatabaseUrlError, openStore, type Store } from './store/database.js';
import { migrateToLatest, SchemaTooNewError } from './store/migrate.js';
import { OutboundRepo } from './store/messages/outbound-repo.js';
import { InboundRepo } from './store/messages/inbound-repo.js';
import { SmppTransport } from './transport/smpp/smpp-transport.js';
import {
  createEmailTransport,
  createSmsTransport,
  createVoiceTransport,
  idleSmsTransport,
  idleVoiceTransport,
} from './transport-wiring.js';
import type {
  EmailTransport,
  SmsTransport,
  SmsTransportHandlers,
  VoiceTransport,
} from './domain/ports/transports.js';
import { createBroadcastFanOutWorker, type BroadcastFanOutLoop } from './workers/broadcast-fanout-worker.js';
import { createBroadcastScheduler } from './workers/broadcast-scheduler.js';
import { createEmailDispatcher } from './workers/email-dispatcher.js';
import { MessageEvents } from './domain/messages/message-events.js';
import { InboundService } from './domain/messages/inbound-service.js';
import { MessagingService } from './domain/messages/messaging-service.js';
import { MessageHistoryService } from './domain/messages/message-history-service.js';
import { KyselyMessageHistory } from './store/messages/history-repo.js';
import type { ReceiptHandler } from './workers/receipt-handler.js';
import { createReceiptHandler, createSmsDispatcher } from './outbound-wiring.js';
import { createVerificationCaller } from './workers/verification-caller.js';
import { KyselyImportStore } from './store/imports/imports-repo.js';
import { ImporterWorker } from './workers/importer.js';
import { createWebhookSender } from './workers/webhook-sender.js';
import type { PollingWorker } from './workers/polling-worker.js';
import { EmailDeliveryService } from './domain/emails/email-delivery.js';
import { ImportService } from './domain/imports/import-service.js';
import { VerificationService } from './domain/verification/verification-service.js';
import { WebhookDeliveryService } from './domain/webhooks/webhook-delivery.js';
import { KeywordInbound } from './domain/keywords/keyword-inbound.js';
import { KeywordService } from './domain/keywords/keyword-service.js';
import { KeywordInboundRepo } from './store/keywords/keyword-inbound-repo.js';
import { KeywordsRepo } from './store/keywords/keywords-repo.js';
import { WebhookService } from './domain/webhooks/webhook-service.js';
import { EmailQueueRepo } from './store/emails/emails-repo.js';
import { VerificationRepo } from './store/verification/verifications-repo.js';
import { LandlinesRepo } from './store/verification/landlines-repo.js';
import { LandlineService } from './domain/verification/landline-service.js';
import { WebhookDeliveryRepo, WebhooksRepo } from './store/webhooks/webhooks-repo.js';
import { HttpWebhookPoster } from './transport/webhooks/http-webhook-poster.js';
import type { Worker } from './workers/worker.js';
import { BindSlotsWorker } from './workers/bind-slots.js';
import { createStatisticsKeeper } from './workers/statistics-keeper.js';
import { KyselyBindSlotStore } from './store/carriers/smpp-binds-repo.js';
import { PostgresMaintenance } from './store/postgres/pg-statistics.js';
import { KyselyQueueStats } from './store/queue/queue-stats.js';
import { AccountEventsService } from './domain/messages/account-events.js';
import { InboxService } from './domain/messages/inbox-service.js';
import { AccountEventsRepo } from './store/messages/account-events-repo.js';
import { InboxRepo } from './store/messages/inbox-repo.js';
import { createAccountEventsPruner } from './workers/account-events-pruner.js';
import { createRateCounter } from './security-wiring.js';
import { DatabaseBackupError } from './store/sqlite/sqlite-backup.js';
import { UsageService } from './domain/usage/usage-service.js';
import { KyselyUsageStore } from './store/messages/usage-repo.js';

/** The composition root: the only place that picks real implementations and wires them. */
export interface Platform {
  readonly ctx: AppContext;
  /** The open store: for tests and tools that inspect the database (the edges see only services). */
  readonly store: Store;
  /** Where the data lives (a file path or the PostgreSQL URL), for the start-up log line. */
  readonly database: string;
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

/** The migrations applied, by name (none when the database is up to date): `vudumobile migrate`. */
export async function migrateDatabase(config: Config): Promise<string[]> {
  const store = openStore(config.databaseUrl);
  try {
    return await migrateToLatest(store);
  } finally {
    await store.close();
  }
}

/**
 * An operator's mistake in opening the database (a malformed DATABASE_URL, a schema newer than this
 * build, a backup or restore refused): the CLI prints its message as it is, not as an unexpected error.
 */
export function isDatabaseSetupError(error: unknown): boolean {
  return (
    error instanceof DatabaseUrlError ||
    error instanceof SchemaTooNewError ||
    error instanceof DatabaseBackupError
  );
}

/** The services of the administration commands over a migrated store; close() when done. */
export async function openServices(
  config: Config,
  log: Logger,
): Promise<CliServices & { close(): Promise<void> }> {
  const store = await openMigratedStore(config);
  const cliConsent = new ConsentService(new KyselyConsentLog(store.db, store.dialect), Date.now);
  return {
    accounts: new AccountsService(new KyselyAccountsStore(store.db), Date.now),
    // A reset email queued here is sent by a server's email dispatcher on its next poll.
    users: createUsersService(store, config, Date.now, () => {}),
    receiveInbound: (sms) => createInboundService(store, log, {}).receive(sms),
    landlines: new LandlineService(new LandlinesRepo(store.db), Date.now),
    keywords: new KeywordService({ store: new KeywordsRepo(store.db), now: Date.now }),
    consent: cliConsent,
    suppressions: new SuppressionService(new KyselySuppressions(store.db), cliConsent, Date.now),
    caslFooter: new CaslFooterSettings(new KyselyCaslFooterStore(store.db)),
    close: () => store.close(),
  };
}

export async function createPlatform(config: Config, options: PlatformOptions): Promise<Platform> {
  const store = await openMigratedStore(config);
  const role = options.role ?? 'all';
  // Only a process that runs the workers talks to the carrier.
  const withWorkers = role !== 'api';
  const messageEvents = new MessageEvents();
  const now = options.now ?? Date.now;
  const outboundRepo = new OutboundRepo(
    store.db,
    () => messageEvents.notifyQueued('sms'),
    store.dialect,
    store.dialect === 'postgres' ? POSTGRES_SEND_TRANSACTIONS : 1,
  );
  const voice =
    options.voice ?? (withWorkers ? createVoiceTransport(config, options.log) : idleVoiceTransport);
  const webhooks = new WebhookService({
    store: new WebhooksRepo(store.db),
    now,
    allowPrivate: config.webhookAllowPrivate,
  });
  const accountEvents = createAccountEvents(store, now);
  // Wherever a status is recorded (only processes running the dispatcher or the receipts emit),
  // the web pages of every process learn it through the table.
  messageEvents.onSent(accountEvents.recordStatuses);
  messageEvents.onFinal(accountEvents.recordStatuses);
  const consent = new ConsentService(new KyselyConsentLog(store.db, store.dialect), now);
  const ctx: AppContext = {
    config,
    log: options.log,
    email: options.email ?? createEmailTransport(config, options.log),
    accounts: new AccountsService(new KyselyAccountsStore(store.db), now),
    users: createUsersService(store, config, now, () => messageEvents.notifyQueued('email')),
    addressBook: new AddressBookService(new AddressBookRepo(store.db, store.dialect), now, consent),
    consent,
    suppressions: new SuppressionService(new KyselySuppressions(store.db), consent, now),
    caslFooter: new CaslFooterSettings(new KyselyCaslFooterStore(store.db)),
    broadcasts: new BroadcastService({
      store: new BroadcastsRepo(store.db),
      reports: new BroadcastReportRepo(store.db),
      log: options.log,
      now,
      defaultMailFrom: config.mailFrom,
    }),
    usage: new UsageService({ store: new KyselyUsageStore(store.db), now }),
    sms: options.sms ?? (withWorkers ? createSmsTransport(config, options.log) : idleSmsTransport),
    voice,
    messaging: new MessagingService({
      store: outboundRepo,
      events: messageEvents,
      now,
      mailFrom: config.mailFrom,
    }),
    messageHistory: new MessageHistoryService({ store: new KyselyMessageHistory(store.db), now }),
    inbound: createInboundService(store, options.log, {
      events: messageEvents,
      webhooks,
      now,
      accountEvents,
    }),
    messageEvents,
    accountEvents,
    inbox: new InboxService({ store: new InboxRepo(store.db, store.dialect) }),
    imports: new ImportService({
      store: new KyselyImportStore(store),
      log: options.log,
      now,
      settings: { leaseMs: config.importLeaseMs, mailFrom: config.mailFrom },
      onReportQueued: () => messageEvents.notifyQueued('email'),
    }),
    verification: new VerificationService({
      store: new VerificationRepo(store),
      lineTypes: new LandlinesRepo(store.db),
      voice,
      events: messageEvents,
      log: options.log,
      now,
      settings: config.verify,
      callLeaseMs: config.verify.callLeaseMs,
    }),
    webhooks,
    keywords: new KeywordService({ store: new KeywordsRepo(store.db), now }),
    rateCounter: createRateCounter(config, store, { now, log: options.log, answersApi: role !== 'worker' }),
    queueStats: new KyselyQueueStats(store.db),
    now,
  };
  const app = await buildApp(ctx, allEndpoints(ctx));
  const outbound = withWorkers ? createWorkers(ctx, store, options.holdOutbound ?? false) : undefined;
  const workers: Worker[] = outbound?.workers ?? [];
  let stopped = false;
  return {
    ctx,
    store,
    database: store.location,
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
      await ctx.rateCounter.close();
      await store.close();
    },
  };
}

/** The users of the web platform on this store: argon2id passwords, links under PUBLIC_URL. */
export function createUsersService(
  store: Store,
  config: Config,
  now: () => number,
  onEmailQueued: () => void,
): UsersService {
  return new UsersService({
    store: new KyselyUsersStore(store),
    hasher: new Argon2Hasher(),
    now,
    publicUrl: config.publicUrl,
    mailFrom: config.mailFrom,
    onEmailQueued,
    sessions: config.webSessions,
  });
}

/**
 * The inbound service on this store: what the carrier's onInbound and `vudumobile sandbox receive`
 * call. `events` wakes the dispatcher (an opt-out confirmation) and the webhook sender (`mo`
 * deliveries) of this process, if it runs them.
 */
export function createInboundService(
  store: Store,
  log: Logger,
  options: {
    events?: MessageEvents;
    webhooks?: WebhookService;
    now?: () => number;
    accountEvents?: AccountEventsService;
  },
): InboundService {
  const now = options.now ?? Date.now;
  // CASL: keyword opt-ins and STOP/START are logged in the transaction that receives the message.
  const consent = new KyselyConsentLog(store.db, store.dialect);
  const accountEvents = options.accountEvents ?? createAccountEvents(store, now);
  const events = options.events ?? new MessageEvents();
  const webhooks =
    options.webhooks ?? new WebhookService({ store: new WebhooksRepo(store.db), now, allowPrivate: false });
  const completion = new BroadcastCompletion({
    store: new BroadcastQueueRepo(store.db, store.dialect),
    log,
    now,
  });
  return new InboundService({
    store: new InboundRepo(store.db),
    log,
    onReceived: async (message, tx) => {
      await accountEvents.recordInbound(message, tx);
      return webhooks.queueInbound(message, tx);
    },
    notifyQueued: (kind) => events.notifyQueued(kind),
    onBroadcastMessagesCancelled: async (ids, tx) => void (await completion.completeIfDone(ids, tx)),
    keywords: new KeywordInbound({
      store: new KeywordInboundRepo(),
      queueWebhook: (record, tx) => webhooks.queueKeyword(record, tx),
      consent,
    }),
    consent,
  });
}

/** The account events on this store: what the web pages of every process show live. */
function createAccountEvents(store: Store, now: () => number): AccountEventsService {
  return new AccountEventsService({ store: new AccountEventsRepo(store.db, store.dialect), now });
}

interface OutboundWorkers {
  readonly workers: Worker[];
  readonly smsHandlers: SmsTransportHandlers;
  readonly receipts: ReceiptHandler;
  readonly bindSlots: BindSlotsWorker | undefined;
}

function createWorkers(ctx: AppContext, store: Store, holdOutbound: boolean): OutboundWorkers {
  const broadcastQueue = new BroadcastQueueRepo(store.db, store.dialect);
  const now = (): number => ctx.now();
  const base = { store: store, log: ctx.log, now };
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
  const emailDelivery = new EmailDeliveryService({
    queue: new EmailQueueRepo(store),
    email: ctx.email,
    log: ctx.log,
    now,
    settings: { leaseMs: ctx.config.dispatch.leaseMs },
  });
  const emails = createEmailDispatcher(emailDelivery, ctx.log);
  ctx.messageEvents.onQueued('email', () => emails.wake());
  const caller = createVerificationCaller(ctx.verification.calls, ctx.log);
  ctx.messageEvents.onQueued('call', () => caller.wake());
  ctx.verification.listenForFailedSms();
  const webhookDelivery = new WebhookDeliveryService({
    queue: new WebhookDeliveryRepo(store),
    poster: new HttpWebhookPoster(),
    log: ctx.log,
    now,
    settings: { allowPrivate: ctx.config.webhookAllowPrivate },
  });
  const webhooks = createWebhookSender(webhookDelivery, ctx.log);
  ctx.webhooks.forwardStatuses(ctx.messageEvents, () => webhooks.wake());
  ctx.messageEvents.onQueued('webhook', () => webhooks.wake());
  const completion = new BroadcastCompletion({ store: broadcastQueue, log: ctx.log, now });
  // A broadcast completes the moment its last SMS settles (the fan-out worker's sweep is the backstop).
  ctx.messageEvents.onFinal(completeBroadcastsOnFinal(completion));
  const bindSlots =
    ctx.sms instanceof SmppTransport && ctx.sms.slotted.length > 0
      ? new BindSlotsWorker({
          ...base,
          slots: new KyselyBindSlotStore(store.db),
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
      createBroadcastScheduler(ctx.broadcasts, ctx.log),
      createBroadcastFanOut(broadcastQueue, ctx.log, now, {
        batchSize: ctx.config.broadcastFanoutBatch,
        ratePerSecond: ctx.config.broadcastRatePerAccount,
        ignoreQuietHours: ctx.config.broadcastIgnoreQuietHours,
        onQueued: () => {
          ctx.messageEvents.notifyQueued('sms');
          ctx.messageEvents.notifyQueued('email');
        },
      }),
      new ImporterWorker(ctx.imports, ctx.log),
      createAccountEventsPruner(ctx.accountEvents, ctx.log),
      ...(store.dialect === 'postgres'
        ? [createStatisticsKeeper(new PostgresMaintenance(store.db), ctx.log)]
        : []),
    ],
    receipts,
    smsHandlers: {
      onReceipt: (receipt) => receipts.handle(receipt),
      onInbound: async (sms) => {
        await ctx.inbound.receive(sms);
      },
    },
  };
}

/** The fan-out's tuning and its loop's; the lease defaults to 5 s. */
export type BroadcastFanOutSettings = Omit<FanOutSettings, 'leaseMs'> &
  Partial<Pick<FanOutSettings, 'leaseMs'>> &
  BroadcastFanOutLoop;

/**
 * The broadcast fan-out worker with its services (fan-out and completion) on one queue store: what
 * createWorkers runs, and what tests run beside it on the same database.
 */
export function createBroadcastFanOut(
  store: BroadcastQueueStore,
  log: Logger,
  now: () => number,
  settings: BroadcastFanOutSettings,
): PollingWorker {
  const completion = new BroadcastCompletion({ store, log, now });
  const fanOut = new BroadcastFanOut({
    store,
    completion,
    log,
    now,
    settings: {
      batchSize: settings.batchSize,
      ratePerSecond: settings.ratePerSecond,
      leaseMs: settings.leaseMs ?? 5000,
      ignoreQuietHours: settings.ignoreQuietHours ?? false,
    },
  });
  return createBroadcastFanOutWorker({ fanOut, completion }, log, now, settings);
}
