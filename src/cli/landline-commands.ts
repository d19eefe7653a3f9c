import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidLandlineNumber } from '../domain/verification/landline-service.js';
import { LineTypeBlockError } from '../domain/verification/line-type-blocks.js';
import { formatUtc } from '../domain/common/dates.js';
import type { WithServices } from './command-services.js';
import { CliError, emit } from './output.js';

/** The operator's mistakes (a number that is not one, a bad block file) as one refused line. */
async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidLandlineNumber || error instanceof LineTypeBlockError)
      throw new CliError(error.message);
    throw error;
  }
}

/**
 * `vudumobile landline add|remove|list NUMBER…` and `landline import-blocks FILE.csv`: the numbers
 * and exchanges whose verification codes go by call at once, with no SMS first.
 */
export function registerLandlineCommands(program: Command, withServices: WithServices): void {
  const landline = program
    .command('landline')
    .description('landlines: numbers and NPA-NXX blocks whose verification codes are called, not texted');
  landline
    .command('add')
    .description('put numbers on the landline list (international form, or 10/11 North American digits)')
    .argument('<numbers...>')
    .option('--reason <text>', 'why (shown by list)', 'added by the operator')
    .action((numbers: string[], opts: { reason: string }) =>
      withServices(async ({ landlines }, out) => {
        const added = await refusing(() => landlines.add(numbers, opts.reason));
        emit(out, { added }, `on the landline list: ${added.join(', ')}`);
      }),
    );
  landline
    .command('remove')
    .description('take numbers off the landline list (the operator’s or learnt)')
    .argument('<numbers...>')
    .action((numbers: string[]) =>
      withServices(async ({ landlines }, out) => {
        const removed = await refusing(() => landlines.remove(numbers));
        emit(out, { removed }, removed.length ? `removed: ${removed.join(', ')}` : 'none of them was listed');
      }),
    );
  landline
    .command('list')
    .description('the landline list: the operator’s numbers and those learnt from failed SMS')
    .action(() =>
      withServices(async ({ landlines }, out) => {
        const rows = (await landlines.list()).map((l) => ({
          number: l.number,
          source: l.source,
          reason: l.reason,
          created_at: formatUtc(l.createdAt),
        }));
        const text = rows.length
          ? rows.map((r) => `${r.number}  ${r.source}  ${r.created_at}  ${r.reason}`).join('\n')
          : 'no landline listed';
        emit(out, rows, text);
      }),
    );
  landline
    .command('import-blocks')
    .description('load NPA-NXX line types from a CSV file (header npa,nxx,x,type); all rows or none')
    .argument('<file>')
    .option('--replace', 'empty the blocks loaded before first')
    .action((file: string, opts: { replace?: boolean }) =>
      withServices(async ({ landlines }, out) => {
        await access(file).catch(() => {
          throw new CliError(`cannot read ${file}`);
        });
        const loaded = await refusing(() =>
          landlines.importBlocks(createReadStream(file), { replace: opts.replace ?? false }),
        );
        emit(out, { loaded }, `${loaded} blocks loaded from ${file}`);
      }),
    );
}
