import type { SandboxOutcome } from '../../src/config-outbound.js';
import type { OutboundSms } from '../../src/domain/ports/transports.js';
import { testSandbox, waitFor } from './messages.js';
import type { TestServer } from './server.js';

/**
 * Mixed traffic through the real paths, for the dashboard and the messages view: `send` over the
 * API to a sandbox carrier whose answer depends on the number's last digit, and inbound SMS through
 * the inbound service, as the SMSC would hand them over.
 */
export function trafficSandbox() {
  return testSandbox({ outcome: outcomeFor });
}

function outcomeFor(sms: OutboundSms): SandboxOutcome {
  switch (sms.to.slice(-1)) {
    case '1':
      return { kind: 'receipt', stat: 'UNDELIV', err: '300' };
    case '2':
      return { kind: 'receipt', stat: 'EXPIRED', err: '102' };
    case '3':
      return { kind: 'silent' }; // no receipt: stays `sent`
    case '4':
      return { kind: 'reject' };
    default:
      return { kind: 'receipt', stat: 'DELIVRD', err: '000' };
  }
}

export interface Traffic {
  /** msg_id of each send, by number. */
  readonly sent: Map<string, number>;
  readonly received: number[];
}

/** Sends to `numbers` (last digit: 0 delivered, 1 undeliverable, 2 expired, 3 silent, 4 rejected). */
export async function sendTraffic(
  server: TestServer,
  numbers: readonly string[],
  inbound: readonly { from: string; text: string }[],
  key = server.account.key,
  to = '15149541234',
): Promise<Traffic> {
  const sent = new Map<string, number>();
  for (const number of numbers) {
    const answer = await server.call('send', { to: number, message: `Bonjour ${number}` }, { key });
    if (answer.status !== 200) throw new Error(`send to ${number}: ${JSON.stringify(answer.body)}`);
    sent.set(number, answer.body.msg_id);
  }
  const received: number[] = [];
  for (const message of inbound) {
    const result = await server.platform.ctx.inbound.receive({
      from: message.from,
      to,
      text: message.text,
      partCount: 1,
      receivedAt: Date.now(),
    });
    if (!result.routed) throw new Error('inbound message not routed');
    received.push(result.messageId);
  }
  // Settled: each of these sends but the silent ones has its final status.
  const ids = new Set(sent.values());
  await waitFor('the traffic to settle', async () => {
    const feed = await server.call(
      'get_feed',
      { date_start: '2000-01-01', direction: 'mt', since_id: String(Math.min(...ids) - 1) },
      { key },
    );
    const mine = (feed.body as { msg_id: number; status_mt: string; to: string }[]).filter((m) =>
      ids.has(m.msg_id),
    );
    return (
      mine.length === ids.size &&
      mine.every((m) =>
        m.to.endsWith('3') ? m.status_mt === 'sent' : m.status_mt !== 'queued' && m.status_mt !== 'sent',
      )
    );
  });
  return { sent, received };
}
