/**
 * A call's RTP media, as the call sees it: a socket bound before the INVITE (its port goes in our
 * offer), the prompt played to the answer's address, a re-INVITE's new address followed. The socket
 * and the pacing live on the transport's RTP thread (rtp-thread.ts, rtp-thread-entry.ts).
 */
import type { RemoteMedia } from './sdp.js';
import type { RtpThread } from './rtp-thread.js';

/** The byte of silence in each law: a padded last packet must not click. */
const SILENCE: Record<RemoteMedia['codec'], number> = { PCMU: 0xff, PCMA: 0xd5 };

export class RtpSession {
  private constructor(
    private readonly thread: RtpThread,
    private readonly id: number,
    readonly port: number,
  ) {}

  /** Binds an even port (RTP's convention, RTCP would take the odd one above) on `address`. */
  static async open(thread: RtpThread, address: string): Promise<RtpSession> {
    const { id, port } = await thread.open(address);
    return new RtpSession(thread, id, port);
  }

  /** Where packets go: a re-INVITE's new address. */
  sendTo(media: RemoteMedia): void {
    this.thread.sendTo(this.id, media);
  }

  /** Streams the encoded prompt; resolves when its last packet has left, or on stop(). */
  play(encoded: Buffer, media: RemoteMedia): Promise<void> {
    return this.thread.play(this.id, encoded, SILENCE[media.codec], media);
  }

  stop(): void {
    this.thread.stop(this.id);
  }

  close(): Promise<void> {
    return this.thread.close(this.id);
  }
}
