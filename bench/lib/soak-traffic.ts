/**
 * The soak's mixed traffic against one server, every second: `send`s, `get_feed` polls after the
 * last id seen, `send_email`s, MO messages from the SMSC simulator (which the server forwards to the
 * account's webhook); every `bulkEveryMinutes`, an `import_contacts` of the same rows (overwrite, so
 * the address book stays the same size) and a broadcast to every contact. Counts what was answered.
 */
import type { SmscSim } from '../../src/transport/smsc-sim/smsc-sim.js';

export interface SoakTarget {
  readonly url: string;
  readonly key: string;
  readonly sender: string;
  /** A user of the account: import reports go to them. */
  readonly userEmail: string;
}

export interface SoakRates {
  readonly sendsPerSecond: number;
  readonly feedPollsPerSecond: number;
  readonly emailsPerSecond: number;
  readonly moPerSecond: number;
  readonly bulkEveryMinutes: number;
  readonly importRows: number;
}

export interface SoakCounts {
  sends: number;
  feedPolls: number;
  emails: number;
  mo: number;
  imports: number;
  broadcasts: number;
  /** Requests answered anything but 200 (or failed): must stay 0. */
  failures: number;
  failureSamples: string[];
}

export class SoakTraffic {
  readonly counts: SoakCounts = {
    sends: 0,
    feedPolls: 0,
    emails: 0,
    mo: 0,
    imports: 0,
    broadcasts: 0,
    failures: 0,
    failureSamples: [],
  };
  private timer: NodeJS.Timeout | undefined;
  private seconds = 0;
  private lastFeedId = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly target: SoakTarget,
    private readonly sim: SmscSim,
    private readonly rates: SoakRates,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.second(), 1_000);
  }

  /** Stops making requests and waits for those in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }

  private second(): void {
    const s = this.seconds++;
    const { rates } = this;
    for (let i = 0; i < rates.sendsPerSecond; i++) {
      const n = s * rates.sendsPerSecond + i;
      this.track(
        'send',
        { to: String(15_143_000_000 + (n % 10_000)), message: `Soak ${n}` },
        () => this.counts.sends++,
      );
    }
    for (let i = 0; i < rates.feedPollsPerSecond; i++) {
      this.track(
        'get_feed',
        { date_start: '2000-01-01 00:00:00', direction: 'all', since_id: String(this.lastFeedId) },
        (body) => {
          this.counts.feedPolls++;
          if (Array.isArray(body))
            for (const row of body as { msg_id?: number }[])
              this.lastFeedId = Math.max(this.lastFeedId, row.msg_id ?? 0);
        },
      );
    }
    if (everyNth(s, rates.emailsPerSecond))
      this.track(
        'send_email',
        { to: `soak${s % 500}@example.com`, subject: 'Soak', message: `Message ${s}`, format: 'text' },
        () => this.counts.emails++,
      );
    if (everyNth(s, rates.moPerSecond)) {
      const from = String(15_145_000_000 + (s % 1_000));
      this.watch(
        this.sim
          .injectMo({ from, to: this.target.sender, text: `Bonjour ${s}` })
          .then(() => void this.counts.mo++),
      );
    }
    const bulkEvery = rates.bulkEveryMinutes * 60;
    if (s % bulkEvery === 5) this.watch(this.importContacts());
    if (s % bulkEvery === 30) this.watch(this.broadcast(s));
  }

  private async importContacts(): Promise<void> {
    const lines = ['numero,nom,langue'];
    for (let i = 0; i < this.rates.importRows; i++) lines.push(`1438${2000000 + i},Importé ${i},fr`);
    const form = new FormData();
    form.set('file', new Blob([lines.join('\n')]), 'soak.csv');
    form.set('email', this.target.userEmail);
    form.set('overwrite', '1');
    const response = await fetch(`${this.target.url}/api/import_contacts`, {
      method: 'POST',
      headers: { 'VUDUMOBILE-API-KEY': this.target.key },
      body: form,
    });
    const text = await response.text();
    if (response.status === 200) this.counts.imports++;
    else this.fail(`import_contacts ${response.status} ${text}`);
  }

  private async broadcast(s: number): Promise<void> {
    const added = await this.call('post_broadcast', {
      name: `Soak ${s}`,
      from_groups: 'Tous',
      fr_message: 'Bonjour _NAME_, nos nouvelles.',
      en_message: 'Hello _NAME_, our news.',
    });
    const id = (added as { broadcast?: { id?: unknown } } | undefined)?.broadcast?.id;
    if (id === undefined) return;
    if ((await this.call('start_broadcast', { broadcast: String(id) })) !== undefined)
      this.counts.broadcasts++;
  }

  private track(endpoint: string, params: Record<string, string>, onOk: (body: unknown) => void): void {
    this.watch(
      this.call(endpoint, params).then((body) => {
        if (body !== undefined) onOk(body);
      }),
    );
  }

  private watch(work: Promise<void>): void {
    const settled = work.catch((error: unknown) => this.fail(String(error)));
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /** The parsed body of a 200, else undefined (counted as a failure). */
  private async call(endpoint: string, params: Record<string, string>): Promise<unknown> {
    const response = await fetch(`${this.target.url}/api/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'VUDUMOBILE-API-KEY': this.target.key },
      body: new URLSearchParams(params).toString(),
    });
    const text = await response.text();
    if (response.status !== 200) {
      this.fail(`${endpoint} ${response.status} ${text.slice(0, 200)}`);
      return undefined;
    }
    return JSON.parse(text) as unknown;
  }

  private fail(sample: string): void {
    this.counts.failures++;
    if (this.counts.failureSamples.length < 10) this.counts.failureSamples.push(sample);
  }
}

/** True on the seconds where a rate below one a second fires (0.5: every other second). */
function everyNth(second: number, perSecond: number): boolean {
  if (perSecond <= 0) return false;
  return perSecond >= 1 || second % Math.round(1 / perSecond) === 0;
}
