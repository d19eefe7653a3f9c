/**
 * Runs one call's dialog (call-dialog.ts) over a trunk's stack: sends what it says, feeds it the
 * responses, the callee's requests and its timers, and plays the prompt once the caller has recorded
 * the answer (`CallProgress.answered`, awaited before the first RTP packet).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallProgress, VoiceCall } from '../../domain/ports/transports.js';
import { CallDialog, type DialogAction, type DialogEnd, type DialogTimer } from './call-dialog.js';
import type { CallIdentity } from './dialog-messages.js';
import { encodeG711 } from './g711.js';
import { RtpSession } from './rtp-session.js';
import type { RtpThread } from './rtp-thread.js';
import { buildOffer, type RemoteMedia } from './sdp.js';
import type { TrunkStack } from './trunk-stack.js';

export interface CallAttempt {
  readonly stack: TrunkStack;
  readonly call: VoiceCall;
  readonly callId: string;
  /** The prompt as 16-bit samples at 8 kHz, assembled before dialling. */
  readonly prompt: Int16Array;
  readonly progress: CallProgress | undefined;
  /** The transport's RTP thread, where the call's media socket lives. */
  readonly media: RtpThread;
  readonly log: Logger;
}

export interface AttemptResult {
  readonly end: DialogEnd;
  readonly durationMs: number;
  /** The caller's `answered` failed: placeCall rethrows it once the call is torn down. */
  readonly progressError?: unknown;
}

/** A call in progress, as the transport tracks it to end it on close(). */
export interface RunningCall {
  readonly result: Promise<AttemptResult>;
  abort(reason: string): void;
}

export async function startCall(attempt: CallAttempt): Promise<RunningCall> {
  const { stack, callId, log } = attempt;
  const trunk = stack.trunk;
  const rtp = await RtpSession.open(attempt.media, stack.bindAddress);
  const identity = callIdentity(attempt);
  const dialog = new CallDialog({
    identity,
    offer: buildOffer({
      address: stack.localAddress,
      port: rtp.port,
      codecs: trunk.codecs,
      sessionId: randomBytes(4).readUInt32BE(0),
    }),
    codecs: trunk.codecs,
    ringTimeoutMs: trunk.ringTimeoutMs,
    credentials: trunk.user === '' ? undefined : { user: trunk.user, password: trunk.password },
  });
  const timers = new Map<DialogTimer, NodeJS.Timeout>();
  let answeredAt: number | undefined;
  let progressError: unknown;
  let settle: (result: AttemptResult) => void = () => {};
  const result = new Promise<AttemptResult>((resolve) => {
    settle = resolve;
  });

  const play = async (media: RemoteMedia): Promise<void> => {
    try {
      await attempt.progress?.answered(callId);
    } catch (error) {
      progressError = error;
      log.error({ callId, err: error }, 'voice call answered but the caller could not record it; hanging up');
      return apply(dialog.abort('the caller could not record the answer'));
    }
    if (dialog.current !== 'confirmed') return;
    await rtp.play(encodeG711(attempt.prompt, media.codec), media);
    apply(dialog.promptEnded());
  };

  const apply = (actions: readonly DialogAction[]): void => {
    for (const action of actions) {
      switch (action.kind) {
        case 'send':
          stack.send(action.request, (response, fromNetwork) =>
            apply(dialog.onResponse(response, fromNetwork)),
          );
          break;
        case 'respond':
          stack.respond(action.response);
          break;
        case 'answered':
          answeredAt = performance.now();
          log.info({ callId, trunk: trunk.name, codec: action.media.codec }, 'voice call answered');
          play(action.media).catch((error: unknown) => {
            log.error({ callId, err: error }, 'voice prompt failed');
            apply(dialog.abort('the prompt could not be played'));
          });
          break;
        case 'media-moved':
          rtp.sendTo(action.media);
          break;
        case 'stop-media':
          rtp.stop();
          break;
        case 'arm':
          clearTimeout(timers.get(action.timer));
          timers.set(
            action.timer,
            setTimeout(() => apply(dialog.timerFired(action.timer)), action.ms),
          );
          break;
        case 'ended':
          for (const timer of timers.values()) clearTimeout(timer);
          unregister();
          void rtp.close();
          settle({
            end: action.end,
            durationMs: answeredAt === undefined ? 0 : Math.round(performance.now() - answeredAt),
            ...(progressError === undefined ? {} : { progressError }),
          });
          break;
      }
    }
  };

  const unregister = stack.register(callId, (request) => apply(dialog.onRequest(request)));
  apply(dialog.start());
  return { result, abort: (reason) => apply(dialog.abort(reason)) };
}

function callIdentity({ stack, call, callId }: CallAttempt): CallIdentity {
  const trunk = stack.trunk;
  const number = `${trunk.dialPrefix}${call.to.replace(/^\+/, '')}`;
  const callerId = trunk.callerId ?? call.from.replace(/^\+/, '');
  const transport = trunk.protocol === 'tcp' ? ';transport=tcp' : '';
  const host = `${trunk.host}:${trunk.port}`;
  return {
    callId,
    requestUri: `sip:${number}@${host}${transport}`,
    from: {
      uri: `sip:${callerId || 'anonymous'}@${trunk.host}`,
      params: { tag: randomBytes(6).toString('hex') },
    },
    to: { uri: `sip:${number}@${trunk.host}`, params: {} },
    contact: { uri: `sip:vudumobile@${stack.localAddress}:${stack.port}${transport}`, params: {} },
  };
}
