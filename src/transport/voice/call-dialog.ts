/**
 * One outgoing call's SIP dialog as a state machine without sockets or clocks: each event (a
 * response, the callee's request, a timer, the prompt's end) returns the actions to take (requests
 * and responses to send, media to start or stop, timers to arm, the call's end). `sip-call.ts` runs
 * it over a real stack; the tests feed it recorded messages.
 *
 *   calling ─1xx→ ringing ─2xx→ confirmed ─prompt ended→ hanging-up ─BYE answered→ ended
 *      │            │ ring timeout → cancelling ─487→ ended (no_answer)
 *      └─ 401/407 → (INVITE again, with credentials) ; other final → ended (busy/no_answer/failed)
 */
import { answerChallenge, readChallenge, type DigestCredentials } from './digest-auth.js';
import {
  buildAck,
  buildBye,
  buildCancel,
  buildInvite,
  confirmDialog,
  respond,
  type CallIdentity,
  type ConfirmedDialog,
} from './dialog-messages.js';
import { readAnswer, type RemoteMedia } from './sdp.js';
import type { SipRequest, SipResponse } from './sip-lib.js';
import type { VoiceCodec } from './voice-url.js';

/** 64 × T1 (RFC 3261 timer B): how long a CANCELled INVITE may take to end before we give up on it. */
export const FINAL_AFTER_CANCEL_MS = 32_000;

export type CallOutcome = 'answered' | 'busy' | 'no_answer' | 'failed';

export interface DialogEnd {
  readonly outcome: CallOutcome;
  readonly sipCode?: number;
  readonly reason: string;
  /** The trunk itself failed (unreachable, silent, 5xx): the call may be placed on the next trunk. */
  readonly tryNextTrunk: boolean;
}

export type DialogTimer = 'ring' | 'final-after-cancel';

export type DialogAction =
  | { readonly kind: 'send'; readonly request: SipRequest }
  | { readonly kind: 'respond'; readonly response: SipResponse }
  | { readonly kind: 'answered'; readonly media: RemoteMedia }
  | { readonly kind: 'media-moved'; readonly media: RemoteMedia }
  | { readonly kind: 'stop-media' }
  | { readonly kind: 'arm'; readonly timer: DialogTimer; readonly ms: number }
  | { readonly kind: 'ended'; readonly end: DialogEnd };

export interface DialogSetup {
  readonly identity: CallIdentity;
  readonly offer: string;
  readonly codecs: readonly VoiceCodec[];
  readonly ringTimeoutMs: number;
  readonly credentials: DigestCredentials | undefined;
  /** Client nonces for digest answers (fixed in tests). */
  readonly cnonce?: () => string;
}

type State = 'idle' | 'calling' | 'ringing' | 'cancelling' | 'confirmed' | 'hanging-up' | 'ended';

/** The SIP statuses whose meaning the port names (transports.ts `CallResult`). */
function outcomeOf(status: number): CallOutcome {
  if (status === 486 || status === 600) return 'busy';
  if (status === 408 || status === 480 || status === 487) return 'no_answer';
  return 'failed';
}

export class CallDialog {
  private state: State = 'idle';
  private cseq = 1;
  /** The CSeq of the INVITE in progress (the BYE takes the next number). */
  private inviteSeq = 1;
  private invite: SipRequest | undefined;
  private confirmed: ConfirmedDialog | undefined;
  private ack: SipRequest | undefined;
  private cancelWanted = false;
  private authAttempts = 0;
  /** Why we are hanging up, kept for when the BYE is answered. */
  private pendingEnd: DialogEnd | undefined;

  constructor(private readonly setup: DialogSetup) {}

  get current(): State {
    return this.state;
  }

  start(): DialogAction[] {
    this.state = 'calling';
    this.invite = buildInvite(this.setup.identity, this.cseq, this.setup.offer);
    return [
      { kind: 'send', request: this.invite },
      { kind: 'arm', timer: 'ring', ms: this.setup.ringTimeoutMs },
    ];
  }

  /** A response to one of our requests; `fromNetwork` false: the stack made it up (timeout, no connection). */
  onResponse(response: SipResponse, fromNetwork: boolean): DialogAction[] {
    const method = response.headers.cseq?.method ?? '';
    if (method === 'BYE') return this.state === 'hanging-up' ? this.finish() : [];
    if (method !== 'INVITE' || response.headers.cseq?.seq !== this.inviteSeq) return [];
    const status = response.status;
    if (status < 200) return this.onProvisional();
    if (status < 300) return this.onAnswer(response);
    return this.onFailure(response, fromNetwork);
  }

  /** A request the callee sent within the call (BYE, re-INVITE, UPDATE, OPTIONS, INFO…). */
  onRequest(request: SipRequest): DialogAction[] {
    const { method } = request;
    if (method === 'ACK') return [];
    const active = this.state === 'confirmed' || this.state === 'hanging-up';
    if (!active)
      return [{ kind: 'respond', response: respond(request, 481, 'Call/Transaction Does Not Exist') }];
    if (method === 'BYE') {
      const ok: DialogAction = { kind: 'respond', response: respond(request, 200, 'OK') };
      if (this.state === 'hanging-up') return [ok, ...this.finish()];
      this.state = 'ended';
      return [ok, { kind: 'stop-media' }, this.ended({ outcome: 'answered', reason: 'the callee hung up' })];
    }
    if (method === 'INVITE' || method === 'UPDATE') return this.onOffer(request);
    if (method === 'OPTIONS' || method === 'INFO')
      return [{ kind: 'respond', response: respond(request, 200, 'OK') }];
    return [{ kind: 'respond', response: respond(request, 501, 'Not Implemented') }];
  }

  timerFired(timer: DialogTimer): DialogAction[] {
    if (timer === 'ring') {
      if (this.state === 'ringing') return this.cancel();
      // §9.1: no CANCEL before a provisional answer; it goes out when the first one comes.
      if (this.state === 'calling') this.cancelWanted = true;
      return [];
    }
    if (this.state !== 'cancelling') return [];
    this.state = 'ended';
    return [
      this.ended({ outcome: 'no_answer', reason: 'ring timeout; the INVITE did not end after CANCEL' }),
    ];
  }

  /** The prompt has been played: we hang up. */
  promptEnded(): DialogAction[] {
    if (this.state !== 'confirmed') return [];
    return this.hangUp({ outcome: 'answered', reason: 'prompt played' });
  }

  /** Ends the call now whatever its state (the transport closing, the caller's failure). */
  abort(reason: string): DialogAction[] {
    if (this.state === 'confirmed') return this.hangUp({ outcome: 'answered', reason });
    if (this.state === 'calling' || this.state === 'ringing') {
      this.cancelWanted = true;
      return this.state === 'ringing' ? this.cancel() : [];
    }
    return [];
  }

  private onProvisional(): DialogAction[] {
    if (this.state !== 'calling') return [];
    this.state = 'ringing';
    return this.cancelWanted ? this.cancel() : [];
  }

  private onAnswer(ok: SipResponse): DialogAction[] {
    const identity = this.setup.identity;
    if (this.confirmed !== undefined && this.ack !== undefined) {
      // A retransmitted 2xx: our ACK was lost; send it again (§13.2.2.4).
      return [{ kind: 'send', request: { ...this.ack, headers: { ...this.ack.headers, via: [] } } }];
    }
    this.confirmed = confirmDialog(ok, identity.requestUri);
    this.ack = buildAck(identity, this.confirmed, this.inviteSeq);
    const ack: DialogAction = { kind: 'send', request: this.ack };
    if (this.state === 'cancelling' || this.cancelWanted) {
      // The answer crossed our CANCEL: the dialog exists, so it must be ended with a BYE.
      this.state = 'confirmed';
      return [
        ack,
        ...this.hangUp({ outcome: 'no_answer', sipCode: 487, reason: 'answered after the ring timeout' }),
      ];
    }
    const media = readAnswer(ok.content, this.setup.codecs);
    this.state = 'confirmed';
    if (typeof media === 'string')
      return [ack, ...this.hangUp({ outcome: 'failed', sipCode: 488, reason: media })];
    return [ack, { kind: 'answered', media }];
  }

  private onFailure(response: SipResponse, fromNetwork: boolean): DialogAction[] {
    const status = response.status;
    if (!fromNetwork) {
      const reason =
        status === 408 ? 'no answer from the trunk (INVITE timed out)' : 'the trunk could not be reached';
      return this.endNow({ outcome: 'failed', sipCode: status, reason, tryNextTrunk: true });
    }
    if ((status === 401 || status === 407) && this.state !== 'cancelling' && !this.cancelWanted) {
      const retry = this.answerChallenge(response);
      if (retry !== undefined) return retry;
    }
    const reason = response.reason || `SIP ${status}`;
    if (this.state === 'cancelling' && status === 487)
      return this.endNow({
        outcome: 'no_answer',
        sipCode: 487,
        reason: 'ring timeout (cancelled)',
        tryNextTrunk: false,
      });
    const tryNextTrunk = status >= 500 && status <= 504 && status !== 501;
    return this.endNow({ outcome: outcomeOf(status), sipCode: status, reason, tryNextTrunk });
  }

  /** The same INVITE again (next CSeq, same Call-ID and tag) with an answer to the challenge, once per nonce. */
  private answerChallenge(response: SipResponse): DialogAction[] | undefined {
    const { credentials } = this.setup;
    const header = response.status === 407 ? 'proxy-authenticate' : 'www-authenticate';
    const challenge = readChallenge(response.status, response.headers[header]);
    if (credentials === undefined || challenge === undefined) return undefined;
    // A second challenge means our answer was refused, unless the server only says the nonce aged.
    if (this.authAttempts >= 1 && !(challenge.stale && this.authAttempts < 2)) return undefined;
    this.authAttempts++;
    this.cseq++;
    this.inviteSeq = this.cseq;
    const uri = this.setup.identity.requestUri;
    const value = answerChallenge(challenge, credentials, 'INVITE', uri, 1, this.setup.cnonce?.());
    this.invite = buildInvite(this.setup.identity, this.cseq, this.setup.offer, {
      header: challenge.header,
      value,
    });
    this.state = 'calling';
    return [{ kind: 'send', request: this.invite }];
  }

  /** A re-INVITE or UPDATE: an offer (or a session refresh) answered with our unchanged SDP. */
  private onOffer(request: SipRequest): DialogAction[] {
    const hasOffer = request.content !== undefined && request.content.trim() !== '';
    let moved: DialogAction[] = [];
    if (hasOffer) {
      const media = readAnswer(request.content, this.setup.codecs);
      if (typeof media === 'string')
        return [{ kind: 'respond', response: respond(request, 488, 'Not Acceptable Here') }];
      moved = [{ kind: 'media-moved', media }];
    }
    // An INVITE without SDP asks us for an offer (answered in its ACK, which we then ignore).
    const withSdp = request.method === 'INVITE' || hasOffer;
    const answer = { contact: this.setup.identity.contact, sdp: this.setup.offer };
    return [
      { kind: 'respond', response: respond(request, 200, 'OK', withSdp ? answer : undefined) },
      ...moved,
    ];
  }

  private cancel(): DialogAction[] {
    if (this.invite === undefined) return [];
    this.state = 'cancelling';
    return [
      { kind: 'send', request: buildCancel(this.invite) },
      { kind: 'arm', timer: 'final-after-cancel', ms: FINAL_AFTER_CANCEL_MS },
    ];
  }

  private hangUp(end: Omit<DialogEnd, 'tryNextTrunk'>): DialogAction[] {
    if (this.confirmed === undefined) return [];
    this.state = 'hanging-up';
    this.pendingEnd = { ...end, tryNextTrunk: false };
    this.cseq++;
    return [
      { kind: 'stop-media' },
      { kind: 'send', request: buildBye(this.setup.identity, this.confirmed, this.cseq) },
    ];
  }

  private finish(): DialogAction[] {
    this.state = 'ended';
    return [this.ended(this.pendingEnd ?? { outcome: 'answered', reason: 'hung up' })];
  }

  private endNow(end: DialogEnd): DialogAction[] {
    this.state = 'ended';
    return [{ kind: 'ended', end }];
  }

  private ended(end: Omit<DialogEnd, 'tryNextTrunk'> & { tryNextTrunk?: boolean }): DialogAction {
    return { kind: 'ended', end: { tryNextTrunk: false, ...end } };
  }
}
