import { insertOutbound } from '../test/helpers/messages.js';
import type { TestServer } from '../test/helpers/server.js';
import { sendTraffic } from '../test/helpers/traffic.js';

/**
 * Messages for the dashboard's chart and the messages view: two days of past traffic written into
 * the store (a morning contest peak, a few failures), and sends and replies through the real paths.
 */
export async function seedTraffic(server: TestServer): Promise<void> {
  // Today's sends and replies first (the default sandbox delivers them; the failures are in the
  // past rows below): the helper waits for them to settle, and the past rows include some still
  // waiting for a receipt.
  await sendTraffic(
    server,
    ['5145550120', '5145550140', '4185550150', '4505550160'],
    [
      { from: '15145550177', text: 'Allô! Je participe au concours' },
      { from: '14185550188', text: 'Merci pour la chanson de ce matin' },
      { from: '15145550199', text: 'STOP' },
    ],
  );
  const hour = 3_600_000;
  const now = Date.now();
  const statuses = ['delivered', 'delivered', 'delivered', 'delivered', 'failed', 'sent'];
  for (let h = 47; h >= 1; h--) {
    const local = new Date(now - h * hour).getUTCHours() - 5;
    const busy = local >= 6 && local <= 10 ? 14 : local >= 11 && local <= 20 ? 5 : 1;
    for (let k = 0; k < busy; k++) {
      const status = statuses[(h + k) % statuses.length] ?? 'delivered';
      await insertOutbound(
        server.platform.store.db,
        server.account.id,
        [`151455501${String((h * 7 + k) % 9)}`],
        {
          status,
          detailed_status:
            status === 'failed'
              ? (h + k) % 2
                ? 'UNDELIV_300'
                : 'EXPIRED_102'
              : status === 'delivered'
                ? 'DELIVRD_000'
                : null,
          body: 'Rappel : le concours du matin commence à 7 h!',
          created_at: now - h * hour + k * 60_000,
        },
      );
    }
  }
}

/** The dashboard and the messages view, in the order the screenshots are taken. */
export const TRAFFIC_PAGES: [string, string][] = [
  ['dashboard', '/'],
  ['messages', '/messages'],
  ['messages-failed', '/messages?status=failed'],
];
