/**
 * The callee's RTP receiver thread for bench:voice (rtp-receiver-entry.ts): opens one socket per
 * call there, and reports the jitter of what arrived.
 */
import type { Worker } from 'node:worker_threads';
import { spawnThread } from '../../src/threads.js';
import type { ReceiverReport, ReceiverRequest } from './rtp-receiver-entry.js';

export class RtpReceiverThread {
  private readonly worker: Worker = spawnThread(new URL('./rtp-receiver-entry', import.meta.url));
  private nextToken = 1;
  private readonly opening = new Map<number, (port: number) => void>();
  private reporting: ((report: ReceiverReport) => void) | undefined;

  constructor() {
    this.worker.on(
      'message',
      (message: { op: 'opened'; token: number; port: number } | { op: 'report'; report: ReceiverReport }) => {
        if (message.op === 'report') return this.reporting?.(message.report);
        this.opening.get(message.token)?.(message.port);
        this.opening.delete(message.token);
      },
    );
  }

  /** A new socket for one call's RTP; its port, for the callee's SDP answer. */
  open(): Promise<number> {
    const token = this.nextToken++;
    return new Promise((resolve) => {
      this.opening.set(token, resolve);
      this.worker.postMessage({ op: 'open', token } satisfies ReceiverRequest);
    });
  }

  report(): Promise<ReceiverReport> {
    return new Promise((resolve) => {
      this.reporting = resolve;
      this.worker.postMessage({ op: 'report' } satisfies ReceiverRequest);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
