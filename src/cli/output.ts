/** How a CLI command reports: one JSON document with --json, readable lines otherwise. */
export class CliError extends Error {}

export interface Output {
  json: boolean;
}

export function emit(out: Output, data: unknown, text: string): void {
  process.stdout.write(out.json ? `${JSON.stringify(data)}\n` : `${text}\n`);
}

export function parseId(raw: string, what: string): number {
  if (!/^\d{1,15}$/.test(raw) || Number(raw) === 0)
    throw new CliError(`${what} must be a positive whole number, got "${raw}"`);
  return Number(raw);
}
