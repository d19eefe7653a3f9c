/**
 * The SIP voice transport (VOICE_URL): places each verification call on the first trunk, in the
 * configured order, that has a free channel (`max_calls`): a full trunk overflows to the next one, as
 * a carrier's trunk group hunts, so the transport carries the sum of its trunks' `max_calls` at once
 * (`maxConcurrentCalls`, which bounds the calls the verification caller claims). Only when every trunk
 * still to try is full does a call wait, for the first of them. A trunk that cannot be reached, never
 * answers the INVITE or answers 5xx passes the call to the next trunk not tried yet (a new Call-ID);
 * a callee's answer (busy, no answer, refused, answered) is the outcome and is not retried elsewhere.
 * When no trunk could try the call, placeCall throws a retryable TransportError and the caller keeps
 * the call for later.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  TransportError,
  type CallProgress,
  type CallResult,
  type VoiceCall,
  type VoiceTransport,
} from '../../domain/ports/transports.js';
import { RtpThread, type PacingStats } from './rtp-thread.js';
import { startCall, type AttemptResult, type RunningCall } from './sip-call.js';
import { TrunkGate } from './trunk-gate.js';
import { TrunkStack } from './trunk-stack.js';
import { VoicePrompts } from './voice-prompts.js';
import type { TrunkOptions } from './voice-url.js';

/** How long close() lets calls in progress hang up (BYE or CANCEL answered) before dropping the stacks. */
const CLOSE_GRACE_MS = 5_000;

interface Trunk {
  readonly options: TrunkOptions;
  readonly gate: TrunkGate;
  stack: Promise<TrunkStack> | undefined;
}

export class SipVoiceTransport implements VoiceTransport {
  readonly kind = 'sip';
  /** Every trunk's channels: a call holds one channel of one trunk at a time, failover included. */
  readonly maxConcurrentCalls: number;
  private readonly trunks: Trunk[];
  private readonly running = new Set<RunningCall>();
  private readonly media = new RtpThread();
  private closed = false;

  constructor(
    trunks: readonly TrunkOptions[],
    private readonly log: Logger,
    private readonly prompts: VoicePrompts = new VoicePrompts(),
  ) {
    this.trunks = trunks.map((options) => ({
      options,
      gate: new TrunkGate(options.maxCalls, options.callsPerSecond),
      stack: undefined,
    }));
    this.maxConcurrentCalls = trunks.reduce((sum, trunk) => sum + trunk.maxCalls, 0);
    this.media.warm();
    log.info(
      {
        trunks: trunks.map((t) => `${t.name} (${t.protocol}, ${t.maxCalls} calls, ${t.callsPerSecond} cps)`),
      },
      'SIP voice transport',
    );
  }

  async placeCall(call: VoiceCall, progress?: CallProgress): Promise<CallResult> {
    if (this.closed) throw new TransportError('the voice transport is closed', true, 'SIP_CLOSED');
    const prompt = this.prompts.assemble(call.code, call.language);
    const failures: string[] = [];
    const untried = [...this.trunks];
    for (;;) {
      const trunk = untried.find((t) => t.gate.hasFreeChannel) ?? untried[0];
      if (trunk === undefined) break;
      untried.splice(untried.indexOf(trunk), 1);
      const callId = `${randomBytes(12).toString('hex')}@vudumobile`;
      const attempt = await this.attempt(trunk, call, callId, prompt, progress).catch((error: unknown) => {
        failures.push(`${trunk.options.name}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
      if (attempt === undefined) continue;
      const { end, durationMs, progressError } = attempt;
      if (progressError !== undefined) throw progressError;
      if (end.tryNextTrunk) {
        failures.push(`${trunk.options.name}: ${end.reason}${end.sipCode ? ` (SIP ${end.sipCode})` : ''}`);
        this.log.warn(
          { callId, trunk: trunk.options.name, sipCode: end.sipCode, reason: end.reason },
          'voice trunk failed; trying the next one',
        );
        continue;
      }
      const logged = {
        callId,
        trunk: trunk.options.name,
        outcome: end.outcome,
        sipCode: end.sipCode,
        reason: end.reason,
        durationMs,
      };
      if (end.outcome === 'answered') this.log.info(logged, 'voice call ended');
      else this.log.warn(logged, `voice call not answered: ${end.reason}`);
      return {
        callId,
        outcome: end.outcome,
        ...(end.sipCode === undefined ? {} : { sipCode: end.sipCode }),
        reason: end.reason,
        durationMs,
      };
    }
    this.log.error({ to: call.to, failures }, 'voice call could not be placed on any trunk');
    throw new TransportError(
      `no SIP trunk could place the call (${failures.join('; ')})`,
      true,
      'SIP_UNAVAILABLE',
    );
  }

  private async attempt(
    trunk: Trunk,
    call: VoiceCall,
    callId: string,
    prompt: Int16Array,
    progress: CallProgress | undefined,
  ): Promise<AttemptResult> {
    // The channel first: placeCall chose this trunk for its free channel, taken here synchronously.
    const slot = await trunk.gate.acquire();
    try {
      const stack = await this.stackOf(trunk);
      if (this.closed) throw new Error('the voice transport closed');
      const running = await startCall({
        stack,
        call,
        callId,
        prompt,
        progress,
        media: this.media,
        log: this.log,
      });
      this.running.add(running);
      try {
        return await running.result;
      } finally {
        this.running.delete(running);
      }
    } finally {
      slot.release();
    }
  }

  /** The trunk's stack, opened at its first call; a failed opening is tried again at the next. */
  private stackOf(trunk: Trunk): Promise<TrunkStack> {
    if (trunk.stack === undefined) {
      trunk.stack = TrunkStack.open(trunk.options, this.log);
      trunk.stack.catch(() => {
        trunk.stack = undefined;
      });
    }
    return trunk.stack;
  }

  /** How the RTP thread has paced the packets so far (benchmarks, diagnostics). */
  pacingStats(): Promise<PacingStats> {
    return this.media.pacingStats();
  }

  /** Hangs up (or cancels) the calls in progress, waits for them a little, then closes the stacks. */
  async close(): Promise<void> {
    this.closed = true;
    const calls = [...this.running];
    for (const call of calls) call.abort('the voice transport is closing');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(calls.map((call) => call.result)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, CLOSE_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
    for (const trunk of this.trunks) {
      const stack = await trunk.stack?.catch(() => undefined);
      stack?.close();
    }
    await this.media.terminate();
  }
}
