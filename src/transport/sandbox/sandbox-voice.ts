import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { CallProgress, CallResult, VoiceCall, VoiceTransport } from '../../domain/ports/transports.js';

/** A call the sandbox pretended to place. */
export interface SandboxCall extends VoiceCall {
  readonly callId: string;
  readonly at: number;
}

/**
 * The sandbox voice transport: places no call. Each call (number, language, the text that would be
 * spoken) is appended as a JSON line to `<dataDir>/voice-calls.jsonl` and logged loudly, so a
 * demo shows what a landline would have heard.
 */
export class SandboxVoiceTransport implements VoiceTransport {
  readonly kind = 'sandbox';
  readonly calls: SandboxCall[] = [];

  constructor(
    readonly callLog: string,
    private readonly log: Logger,
    /** The clock that dates each call (epoch ms). */
    private readonly now: () => number = Date.now,
  ) {
    log.warn({ callLog }, 'SANDBOX voice transport: no call is placed, calls are written to the call log');
  }

  async placeCall(call: VoiceCall, progress?: CallProgress): Promise<CallResult> {
    const record: SandboxCall = { ...call, callId: randomUUID(), at: this.now() };
    await mkdir(dirname(this.callLog), { recursive: true });
    await appendFile(this.callLog, `${JSON.stringify(record)}\n`);
    this.calls.push(record);
    this.log.warn(
      { to: call.to, callId: record.callId },
      'SANDBOX voice call not placed (written to the call log)',
    );
    await progress?.answered(record.callId);
    // The sandbox's calls are all answered at once: a demo shows the happy path.
    return { callId: record.callId, outcome: 'answered', durationMs: 0 };
  }

  async close(): Promise<void> {}
}
