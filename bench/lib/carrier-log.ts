import { open } from 'node:fs/promises';

/**
 * Follows the sandbox carriers' SANDBOX_SMS_LOG files (one JSON line per accepted part, written at
 * accept) and counts the parts whose line contains `marker`, and their distinct message ids.
 */
export class CarrierLog {
  accepted = 0;
  private readonly messageIds = new Set<number>();
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();

  constructor(
    private readonly files: readonly string[],
    private readonly marker: string,
  ) {}

  get distinctMessages(): number {
    return this.messageIds.size;
  }

  /** Reads what was appended since the last poll. */
  async poll(): Promise<void> {
    for (const file of this.files) {
      const handle = await open(file, 'r').catch(() => undefined);
      if (!handle) continue; // nothing accepted by that process yet
      try {
        const offset = this.offsets.get(file) ?? 0;
        const { size } = await handle.stat();
        if (size <= offset) continue;
        const buffer = Buffer.alloc(size - offset);
        await handle.read(buffer, 0, buffer.length, offset);
        this.offsets.set(file, size);
        const text = (this.partial.get(file) ?? '') + buffer.toString('utf8');
        const lines = text.split('\n');
        this.partial.set(file, lines.pop() ?? '');
        for (const line of lines) {
          if (!line.includes(this.marker)) continue;
          this.accepted++;
          this.messageIds.add((JSON.parse(line) as { messageId: number }).messageId);
        }
      } finally {
        await handle.close();
      }
    }
  }
}
