/**
 * The SDP of a call (RFC 4566, offer/answer RFC 3264) through `sdp-transform`: our offer lists G.711
 * µ-law (PT 0) and A-law (PT 8) in the trunk's order of preference plus telephone-event (RFC 4733,
 * PT 101, so a gateway that insists on DTMF finds it); the answer's first static codec we offered is
 * the one we send, to the address and port it gives.
 */
import sdpTransform from 'sdp-transform';
import type { VoiceCodec } from './voice-url.js';

export const PAYLOAD_TYPES: Record<VoiceCodec, number> = { PCMU: 0, PCMA: 8 };
const TELEPHONE_EVENT = 101;

export interface LocalMedia {
  readonly address: string;
  readonly port: number;
  readonly codecs: readonly VoiceCodec[];
  /** o= session id: fixed for the call, so a repeated offer is recognisably the same session. */
  readonly sessionId: number;
}

/** Where and how to send the prompt, from the callee's answer. */
export interface RemoteMedia {
  readonly address: string;
  readonly port: number;
  readonly codec: VoiceCodec;
  readonly payloadType: number;
}

/** Our offer (and our answer to a re-INVITE or UPDATE: the same SDP, same o= version). */
export function buildOffer(media: LocalMedia): string {
  const payloads = [...media.codecs.map((codec) => PAYLOAD_TYPES[codec]), TELEPHONE_EVENT];
  return sdpTransform.write({
    version: 0,
    origin: {
      username: '-',
      sessionId: media.sessionId,
      sessionVersion: 1,
      netType: 'IN',
      ipVer: 4,
      address: media.address,
    },
    name: 'VuduMobile',
    connection: { version: 4, ip: media.address },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: 'audio',
        port: media.port,
        protocol: 'RTP/AVP',
        payloads: payloads.join(' '),
        rtp: [
          ...media.codecs.map((codec) => ({ payload: PAYLOAD_TYPES[codec], codec, rate: 8000 })),
          { payload: TELEPHONE_EVENT, codec: 'telephone-event', rate: 8000 },
        ],
        fmtp: [{ payload: TELEPHONE_EVENT, config: '0-16' }],
        ptime: 20,
        direction: 'sendrecv',
      },
    ],
  });
}

/**
 * Reads an answer; a string names what is wrong with it (no audio, port 0 = media refused, no
 * codec of ours) for the call's failure reason.
 */
export function readAnswer(sdp: string | undefined, offered: readonly VoiceCodec[]): RemoteMedia | string {
  if (sdp === undefined || sdp.trim() === '') return 'the answer carries no SDP';
  let session: ReturnType<typeof sdpTransform.parse>;
  try {
    session = sdpTransform.parse(sdp);
  } catch {
    return 'the answer SDP cannot be parsed';
  }
  const audio = session.media.find((m) => m.type === 'audio');
  if (!audio) return 'the answer SDP has no audio stream';
  if (audio.port === 0) return 'the callee refused the audio stream (port 0)';
  const address = audio.connection?.ip ?? session.connection?.ip;
  if (address === undefined) return 'the answer SDP has no connection address';
  const answered = String(audio.payloads ?? '')
    .split(/\s+/)
    .map(Number);
  for (const payloadType of answered) {
    const codec = offered.find((c) => PAYLOAD_TYPES[c] === payloadType);
    if (codec !== undefined) return { address, port: audio.port, codec, payloadType };
  }
  return 'the callee accepted none of our codecs';
}
