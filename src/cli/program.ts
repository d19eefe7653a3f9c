import { Command, CommanderError } from 'commander';
import { ConfigError, readConfig, type Config } from '../config.js';
import { createCommandLogger, createLogger } from '../logger.js';
import { createPlatform, isDatabaseSetupError, migrateDatabase, openServices, ROLES } from '../main.js';
import { DomainError } from '../domain/errors.js';
import { registerAccountCommands, registerKeyCommands } from './admin-commands.js';
import { registerBackupCommands } from './backup-commands.js';
import type { WithServices } from './command-services.js';
import { invitationPath } from '../domain/users/users.js';
import { CliError, emit, type Output } from './output.js';
import { registerSuppressionCommands } from './consent-commands.js';
import { registerLandlineCommands } from './landline-commands.js';
import { registerKeywordCommands } from './keyword-commands.js';
import { registerSandboxCommands } from './sandbox-command.js';
import { registerSmscSimCommand } from './smsc-sim-command.js';
import { registerUserCommands } from './user-commands.js';

const program = new Command('vudumobile')
  .description('VuduMobile messaging platform: the API server and its administration')
  .option('--json', 'machine-readable output')
  .option('--database <url>', 'database (sqlite:PATH, a file path, or postgres://…); default $DATABASE_URL')
  .showHelpAfterError(false)
  .exitOverride();
program.configureOutput({
  // Commander's own usage errors become one line.
  outputError: (text, write) => write(text.split('\n')[0] + '\n'),
});

function globalOutput(): Output {
  return { json: Boolean(program.opts<{ json?: boolean }>().json) };
}

function config(overrides: Partial<Config> = {}): Config {
  const database = program.opts<{ database?: string }>().database;
  return readConfig(process.env, { ...(database ? { databaseUrl: database } : {}), ...overrides });
}

const withServices: WithServices = async (fn) => {
  const services = await openServices(config(), createCommandLogger());
  try {
    await fn(services, globalOutput());
  } finally {
    await services.close();
  }
};

program
  .command('serve')
  .description('serve the API and run the background workers')
  .option('--port <port>', 'port to listen on (default $PORT or 8080)')
  .option('--host <host>', 'address to listen on (default $HOST or 127.0.0.1)')
  .option('--role <role>', 'api (HTTP only), worker (background work only) or all', 'all')
  .action(async (opts: { port?: string; host?: string; role: string }) => {
    const role = ROLES.find((r) => r === opts.role);
    if (!role) throw new CliError('--role must be api, worker or all');
    if (opts.port !== undefined && !/^\d{1,5}$/.test(opts.port))
      throw new CliError('--port must be a number from 0 to 65535');
    const cfg = config({
      ...(opts.port !== undefined ? { port: Number(opts.port) } : {}),
      ...(opts.host !== undefined ? { host: opts.host } : {}),
    });
    const log = createLogger(cfg.logLevel);
    const platform = await createPlatform(cfg, { log, role });
    const firstRun =
      role === 'worker' ? undefined : await platform.ctx.accounts.createFirstRunAccount(cfg.defaultSender);
    const invitation =
      firstRun &&
      (await platform.ctx.users.invite(firstRun.accountId, {
        email: cfg.adminEmail,
        role: 'admin',
        language: 'fr',
      }));
    const address = await platform.start();
    if (address === undefined) {
      log.info({ role, database: platform.database }, 'VuduMobile worker running');
    } else {
      log.info({ address, role, database: platform.database }, 'VuduMobile API listening');
    }
    if (firstRun && invitation && address !== undefined) {
      // With no PUBLIC_URL (or port 0) the address actually bound is what a reader can paste.
      const base = process.env.PUBLIC_URL ? cfg.publicUrl : address.replace('://0.0.0.0', '://127.0.0.1');
      const lines = [
        '',
        `First start: created the default account (fr, CA), its administrator ${invitation.user.email}`,
        'and an API key allowed from loopback only. The key is shown this once:',
        '',
        `  VUDUMOBILE-API-KEY: ${firstRun.key}`,
        '',
        'Try it:',
        `  curl -X POST -H "VUDUMOBILE-API-KEY: ${firstRun.key}" -d "group=Tous" ${base}/api/get_contacts`,
        '',
        cfg.defaultSender === undefined
          ? 'No sender number yet (DEFAULT_SENDER unset): add one before sending, vudumobile account sender add 1 <number>'
          : `SMS are sent from ${cfg.defaultSender} (DEFAULT_SENDER).`,
        '',
        `Web platform: choose the password of ${invitation.user.email} with this link (single use, valid 7 days):`,
        `  ${base}${invitationPath(invitation.token)}`,
        '',
        `API docs: ${base}/docs`,
        '',
      ];
      process.stdout.write(lines.join('\n') + '\n');
    }
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping: draining in-flight work');
      platform.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const applied = await migrateDatabase(config());
    emit(
      globalOutput(),
      { applied },
      applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date',
    );
  });

registerAccountCommands(program, withServices);
registerKeyCommands(program, withServices);
registerUserCommands(program, withServices);
registerSandboxCommands(program, withServices);
registerLandlineCommands(program, withServices);
registerKeywordCommands(program, withServices);
registerSuppressionCommands(program, withServices);
registerSmscSimCommand(program, globalOutput);
registerBackupCommands(program, () => config(), globalOutput);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  // A DomainError is a refusal with its catalogue text (a user who already exists, the last admin).
  const expected =
    error instanceof CliError ||
    error instanceof ConfigError ||
    error instanceof DomainError ||
    isDatabaseSetupError(error);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`vudumobile: ${expected ? message : `unexpected error: ${message}`}\n`);
  process.exit(expected ? 2 : 1);
}
