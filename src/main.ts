import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import { ConfigError, type Config } from './config.js';
import { buildApp } from './http/app.js';
import { allEndpoints } from './http/routes/index.js';
import { AddressBookRepo } from './store/address-book-repo.js';
import { openStore, type Store } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';
import { SandboxEmailTransport } from './transport/sandbox-email.js';
import { SandboxSmsTransport } from './transport/sandbox-sms.js';
import { SandboxVoiceTransport } from './transport/sandbox-voice.js';
import type {
  EmailTransport,
  SmsTransport,
  SmsTransportHandlers,
  VoiceTransport,
} from './transport/types.js';
import { SmsDispatcher } from './workers/dispatcher.js';
import { EmailDispatcher } from './workers/email-dispatcher.js';
import { receiveInbound } from './workers/inbound-handler.js';
import { MessageEvents } from './workers/message-events.js';
import { ReceiptHandler } from './workers/receipt-handler.js';
import { VerificationCaller } from './workers/verification-caller.js';
import type { Worker } from './workers/worker.js';
import { join, resolve } from 'node:path';

/** The composition root: the only place that picks real implementations and wires them. */
export interface Platform {
  readonly ctx: AppContext;
  readonly app: FastifyInstance;
  readonly workers: readonly Worker[];
  /** Listens (unless withoutHttp) and starts the workers; resolves with the base URL. */
  start(): Promise<string>;
  /** Stops taking requests, drains the workers, closes transports and the store. */
  stop(): Promise<void>;
}

export interface PlatformOptions {
  log: Logger;
  now?: () => number;
  /** Overrides for tests: e.g. a transport that records instead of sending. */
  email?: EmailTransport;
  sms?: SmsTransport;
  voice?: VoiceTransport;
  /** Skip the background workers (`serve --role api`, CLI commands that only need the store). */
  withoutWorkers?: boolean;
  /** Run the workers without listening (`serve --role worker`). */
  withoutHttp?: boolean;
}

export function createEmailTransport(config: Config, log: Logger): EmailTransport {
  return new SandboxEmailTransport(resolve(join(config.dataDir, 'outbox')), log);
}

/** The SMS carrier connection: SMPP when SMPP_URL is set, else the sandbox. */
export function createSmsTransport(config: Config, log: Logger): SmsTransport {
  if (config.smppUrl) {
    // The SMPP transport (transport/smpp-*.ts) plugs in here; until then, refuse rather than
    // let messages meant for a carrier vanish into the sandbox.
    throw new ConfigError(
      'SMPP_URL: the SMPP transport is not part of this build yet; unset it to use the sandbox',
    );
  }
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
  const withWorkers = !options.withoutWorkers;
  const ctx: AppContext = {
    config,
    store,
    log: options.log,
    email: options.email ?? createEmailTransport(config, options.log),
    addressBook: new AddressBookRepo(store.db),
    sms: options.sms ?? (withWorkers ? createSmsTransport(config, options.log) : idleSmsTransport),
    voice: options.voice ?? createVoiceTransport(config, options.log),
    messageEvents: new MessageEvents(),
    now: options.now ?? Date.now,
  };
  const app = await buildApp(ctx, allEndpoints(ctx));
  const outbound = withWorkers ? createWorkers(ctx) : undefined;
  const workers: Worker[] = outbound?.workers ?? [];
  let stopped = false;
  return {
    ctx,
    app,
    workers,
    async start() {
      const address = options.withoutHttp ? '' : await app.listen({ port: config.port, host: config.host });
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
}

function createWorkers(ctx: AppContext): OutboundWorkers {
  const base = { store: ctx.store, log: ctx.log, now: ctx.now };
  const receipts = new ReceiptHandler({
    ...base,
    events: ctx.messageEvents,
    receiptRetries: ctx.config.dispatch.receiptRetries,
  });
  const dispatcher = new SmsDispatcher({
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
  return {
    workers: [dispatcher, receipts, emails, caller],
    receipts,
    smsHandlers: {
      onReceipt: (receipt) => receipts.handle(receipt),
      onInbound: async (sms) => {
        await receiveInbound(ctx.store.db, ctx.log, sms);
      },
    },
  };
}

/** The SMS transport of a platform without workers: nothing is ever submitted through it. */
const idleSmsTransport: SmsTransport = {
  kind: 'none',
  async start() {},
  async submit() {
    throw new Error('this process runs no SMS dispatcher');
  },
  status: () => [],
  async close() {},
};
