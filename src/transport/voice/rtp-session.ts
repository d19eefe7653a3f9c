/**
 * A call's RTP socket: bound before the INVITE (its port is in our offer), sending the prompt to the
 * answer's address and port from that same port (symmetric RTP, RFC 4961), and reading what the
 * callee sends only to learn where it really is: when its packets come from elsewhere than its SDP
 * said (a NAT), we follow them. The callee's audio itself is not kept.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { RemoteMedia } from './sdp.js';
import { frames, pace, RtpPacketizer, type PacedStream } from './rtp-stream.js';

/** The byte of silence in each law: a padded last packet must not click. */
const SILENCE: Record<RemoteMedia['codec'], number> = { PCMU: 0xff, PCMA: 0xd5 };

export class RtpSession {
  private remote: { address: string; port: number } | undefined;
  private latched = false;
  private stream: PacedStream | undefined;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (_data, from) => {
      if (this.latched || this.remote === undefined) return;
      this.latched = true;
      if (from.address !== this.remote.address || from.port !== this.remote.port)
        this.remote = { address: from.address, port: from.port };
    });
    socket.on('error', () => {}); // an ICMP "port unreachable" must not end the process
  }

  /** Binds an even port (RTP's convention, RTCP would take the odd one above) on `address`. */
  static async open(address: string): Promise<RtpSession> {
    for (let attempt = 0; ; attempt++) {
      const socket = createSocket('udp4');
      const port = await new Promise<number>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, address, () => resolve(socket.address().port));
      });
      if (port % 2 === 0 || attempt >= 8) return new RtpSession(socket, port);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
  }

  /** Where packets go: the answer's address, or a re-INVITE's new one. */
  sendTo(media: RemoteMedia): void {
    this.remote = { address: media.address, port: media.port };
    this.latched = false;
  }

  /** Streams the encoded prompt; resolves when its last packet has left, or on stop(). */
  play(encoded: Buffer, media: RemoteMedia): Promise<void> {
    this.sendTo(media);
    const payloads = frames(encoded, SILENCE[media.codec]);
    const packetizer = new RtpPacketizer(media.payloadType);
    this.stream = pace(payloads.length, (index) => {
      const payload = payloads[index];
      if (payload === undefined || this.remote === undefined) return;
      this.socket.send(packetizer.packet(payload), this.remote.port, this.remote.address);
    });
    return this.stream.done;
  }

  stop(): void {
    this.stream?.stop();
  }

  close(): Promise<void> {
    this.stop();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
