/**
 * The requests of one outgoing call, built as RFC 3261 says a UAC builds them. Each leaves `via`
 * empty: the stack adds our Via (host, port, transport, rport) and a fresh branch — except CANCEL,
 * which must carry the INVITE's own Via (§9.1) so the trunk matches it to that transaction.
 */
import { sipLib, type SipAddress, type SipRequest, type SipResponse } from './sip-lib.js';

/** What stays the same for every request of the call. */
export interface CallIdentity {
  readonly callId: string;
  readonly requestUri: string;
  /** Ours, with our tag. */
  readonly from: SipAddress;
  /** The callee's, without a tag until the answer gives one. */
  readonly to: SipAddress;
  readonly contact: SipAddress;
}

/** The dialog a 2xx creates (§12.1.2): the remote target, the route set and the callee's tag. */
export interface ConfirmedDialog {
  readonly remoteTarget: string;
  readonly routeSet: SipAddress[];
  readonly to: SipAddress;
}

const USER_AGENT = 'VuduMobile';
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO';

export function buildInvite(
  call: CallIdentity,
  cseq: number,
  sdp: string,
  authorization?: {
    header: 'authorization' | 'proxy-authorization';
    value: Record<string, string | undefined>;
  },
): SipRequest {
  return {
    method: 'INVITE',
    uri: call.requestUri,
    headers: {
      via: [],
      'max-forwards': '70',
      from: call.from,
      to: call.to,
      'call-id': call.callId,
      cseq: { seq: cseq, method: 'INVITE' },
      contact: [call.contact],
      allow: ALLOW,
      'user-agent': USER_AGENT,
      ...(authorization ? { [authorization.header]: [authorization.value] } : {}),
      'content-type': 'application/sdp',
    },
    content: sdp,
  };
}

/** CANCEL of the INVITE as it went out (its Via, once the stack filled it in). */
export function buildCancel(invite: SipRequest): SipRequest {
  const [topVia] = invite.headers.via ?? [];
  return {
    method: 'CANCEL',
    uri: invite.uri,
    headers: {
      via: topVia ? [{ ...topVia, params: { ...topVia.params } }] : [],
      'max-forwards': '70',
      from: invite.headers.from,
      to: invite.headers.to,
      'call-id': invite.headers['call-id'],
      cseq: { seq: invite.headers.cseq?.seq ?? 1, method: 'CANCEL' },
      'user-agent': USER_AGENT,
    },
  };
}

/** The dialog from the 2xx: its Contact is where in-dialog requests go, its Record-Route reversed is the route. */
export function confirmDialog(ok: SipResponse, requestUri: string): ConfirmedDialog {
  const contact = Array.isArray(ok.headers.contact) ? ok.headers.contact[0] : undefined;
  return {
    remoteTarget: contact ? sipLib.stringifyUri(contact.uri) : requestUri,
    routeSet: [...(ok.headers['record-route'] ?? [])].reverse(),
    to: ok.headers.to ?? { uri: requestUri, params: {} },
  };
}

/** The ACK of a 2xx (§13.2.2.4): a request of its own, with the INVITE's CSeq number. */
export function buildAck(call: CallIdentity, dialog: ConfirmedDialog, inviteCseq: number): SipRequest {
  return inDialogRequest('ACK', call, dialog, inviteCseq);
}

export function buildBye(call: CallIdentity, dialog: ConfirmedDialog, cseq: number): SipRequest {
  return inDialogRequest('BYE', call, dialog, cseq);
}

function inDialogRequest(
  method: string,
  call: CallIdentity,
  dialog: ConfirmedDialog,
  cseq: number,
): SipRequest {
  return {
    method,
    uri: dialog.remoteTarget,
    headers: {
      via: [],
      'max-forwards': '70',
      ...(dialog.routeSet.length > 0 ? { route: dialog.routeSet } : {}),
      from: call.from,
      to: dialog.to,
      'call-id': call.callId,
      cseq: { seq: cseq, method },
      'user-agent': USER_AGENT,
    },
  };
}

/** A response to the callee's request; with `answer`, our Contact and unchanged session description. */
export function respond(
  request: SipRequest,
  status: number,
  reason: string,
  answer?: { contact: SipAddress; sdp: string },
): SipResponse {
  const response = sipLib.makeResponse(request, status, reason);
  response.headers['user-agent'] = USER_AGENT;
  if (status === 501 || status === 405) response.headers.allow = ALLOW;
  // Session timers (RFC 4028): a refresh is answered with the interval it asked for, so the callee's
  // timer restarts; our calls last seconds, far below any Min-SE, so we never refresh ourselves.
  const sessionExpires = request.headers['session-expires'];
  if (status === 200 && typeof sessionExpires === 'string') {
    response.headers['session-expires'] = sessionExpires;
    response.headers.require = 'timer';
  }
  if (answer !== undefined) {
    response.headers.contact = [answer.contact];
    response.headers['content-type'] = 'application/sdp';
    response.content = answer.sdp;
  }
  return response;
}
