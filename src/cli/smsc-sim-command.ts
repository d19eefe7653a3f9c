import type { Command } from 'commander';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { parseOutcomes, type MoMessage, type Outcome } from '../transport/smsc-sim/sim-messages.js';
import { startSmscSim, type SmscSim } from '../transport/smsc-sim/smsc-sim.js';
import { CliError, emit, type Output } from './output.js';

interface SimFlags {
  port: string;
  host: string;
  systemId?: string;
  password?: string;
  receiptDelay: string;
  outcomes: string;
  tps?: string;
  dropEvery?: string;
  moFile?: string;
  idFormat: string;
  receiptIdOtherBase?: boolean;
  receiptTlvs: boolean;
  statsFile?: string;
  refuseBindsMs?: string;
}

/** `vudumobile smsc-sim`: the SMSC simulator in the foreground; prints its counts when stopped. */
export function registerSmscSimCommand(program: Command, output: () => Output): void {
  program
    .command('smsc-sim')
    .description('run an SMSC simulator (SMPP server) for development, tests and benchmarks')
    .option('--port <port>', 'port to listen on (0 = any free port)', '2775')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--system-id <id>', 'accepted system_id (default: any)')
    .option('--password <password>', 'accepted password (default: any)')
    .option('--receipt-delay <ms>', 'delay before each delivery receipt', '100')
    .option(
      '--outcomes <mix>',
      'receipt outcomes, e.g. DELIVRD:000=90,UNDELIV:300=5,EXPIRED:102=5',
      'DELIVRD:000',
    )
    .option('--tps <n>', 'submit_sm per second accepted; beyond, ESME_RTHROTTLED')
    .option('--drop-every <n>', 'drop the connection on every n-th submit_sm (accepted, unanswered)')
    .option('--mo-file <path>', 'MO messages to deliver once an ESME binds, one "from,to,text" a line')
    .option('--id-format <base>', 'message ids in hex or decimal', 'hex')
    .option('--receipt-id-other-base', "write the receipts' id: in the other base (as some carriers do)")
    .option('--no-receipt-tlvs', 'send receipts in text form only, without TLVs')
    .option(
      '--refuse-binds-ms <ms>',
      'begin in maintenance: refuse binds (ESME_RBINDFAIL) for this long; SIGUSR1 begins or ends one at run time',
    )
    .option(
      '--stats-file <path>',
      'write the counts and the messages accepted more than once as JSON, every 250 ms and when stopped',
    )
    .action(async (flags: SimFlags) => {
      const out = output();
      const outcomes = parseOutcomeFlag(flags.outcomes);
      if (flags.idFormat !== 'hex' && flags.idFormat !== 'decimal')
        throw new CliError('--id-format must be hex or decimal');
      const sim = await startSmscSim({
        port: whole(flags.port, '--port', 0, 65535),
        host: flags.host,
        ...(flags.systemId === undefined ? {} : { systemId: flags.systemId }),
        ...(flags.password === undefined ? {} : { password: flags.password }),
        receiptDelayMs: whole(flags.receiptDelay, '--receipt-delay', 0, 86_400_000),
        outcomes,
        ...(flags.tps === undefined ? {} : { tps: whole(flags.tps, '--tps', 1, 1_000_000) }),
        ...(flags.dropEvery === undefined
          ? {}
          : { dropEvery: whole(flags.dropEvery, '--drop-every', 1, 1e9) }),
        idFormat: flags.idFormat,
        receiptIdInOtherBase: Boolean(flags.receiptIdOtherBase),
        receiptTlvs: flags.receiptTlvs,
        keepPdus: false,
        ...(flags.refuseBindsMs === undefined
          ? {}
          : { refuseBindsMs: whole(flags.refuseBindsMs, '--refuse-binds-ms', 1, 86_400_000) }),
      });
      emit(
        out,
        { event: 'listening', host: flags.host, port: sim.port },
        `SMSC simulator listening on ${flags.host}:${sim.port}`,
      );
      if (flags.moFile !== undefined) {
        const messages = parseMoFile(await readFile(flags.moFile, 'utf8'), flags.moFile);
        for (const mo of messages) void sim.injectMo(mo);
        emit(out, { event: 'mo-queued', count: messages.length }, `${messages.length} MO messages queued`);
      }
      if (sim.refusingBinds) {
        reportMaintenance(out, sim);
        // Says when the window given at start is over (unless SIGUSR1 began another meanwhile).
        const ends = setTimeout(
          () => sim.refusingBinds || reportMaintenance(out, sim),
          Number(flags.refuseBindsMs),
        );
        ends.unref();
      }
      toggleMaintenanceOnSignal(sim, out);
      const statsFile = flags.statsFile === undefined ? undefined : new StatsFile(flags.statsFile, sim);
      stopOnSignal(sim, out, statsFile);
    });
}

/**
 * The simulator's counts for a test or benchmark in another process: rewritten (atomically, by a
 * rename) every 250 ms while they change, and once more when the simulator stops.
 */
class StatsFile {
  private readonly timer: NodeJS.Timeout;
  private lastWritten = '';
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly sim: SmscSim,
  ) {
    this.timer = setInterval(() => void this.write(), 250);
    void this.write();
  }

  write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const content = JSON.stringify({
        stats: this.sim.stats,
        acceptedBy: this.sim.acceptedBySystemType(),
        duplicates: this.sim.duplicates(),
      });
      if (content === this.lastWritten) return;
      this.lastWritten = content;
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, content);
      await rename(temporary, this.path);
    });
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.write();
  }
}

/** SIGUSR1: an operator (or a drill in another process) begins or ends a maintenance window. */
function toggleMaintenanceOnSignal(sim: SmscSim, out: Output): void {
  process.on('SIGUSR1', () => {
    if (sim.refusingBinds) sim.acceptBinds();
    else sim.refuseBinds();
    reportMaintenance(out, sim);
  });
}

function reportMaintenance(out: Output, sim: SmscSim): void {
  const refusing = sim.refusingBinds;
  emit(
    out,
    { event: refusing ? 'refusing-binds' : 'accepting-binds' },
    refusing ? 'Maintenance: binds refused (ESME_RBINDFAIL)' : 'Maintenance over: binds accepted',
  );
}

function stopOnSignal(sim: SmscSim, out: Output, statsFile: StatsFile | undefined): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const stats = { ...sim.stats };
    const text = Object.entries(stats)
      .map(([key, value]) => `  ${key}: ${value}`)
      .join('\n');
    emit(out, { event: 'stopped', stats }, `SMSC simulator stopped\n${text}`);
    Promise.all([sim.close(), statsFile?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function parseOutcomeFlag(raw: string): Outcome[] {
  try {
    return parseOutcomes(raw);
  } catch (error) {
    throw new CliError(`--outcomes: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function whole(raw: string, flag: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw new CliError(`${flag} must be a whole number from ${min} to ${max}`);
  return value;
}

/** `from,to,text` lines; the text may itself hold commas. Blank lines and `#` comments are skipped. */
export function parseMoFile(content: string, name: string): MoMessage[] {
  const messages: MoMessage[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const match = /^\s*\+?(\d+)\s*,\s*\+?(\d+)\s*,(.*)$/.exec(line);
    if (!match) throw new CliError(`${name}:${index + 1}: expected from,to,text`);
    messages.push({ from: match[1] ?? '', to: match[2] ?? '', text: match[3] ?? '' });
  });
  return messages;
}
