/**
 * An SMSC's maintenance window, as carriers run them: the sessions bound when it begins are dropped,
 * and every bind while it lasts is answered ESME_RBINDFAIL and the socket closed (what the SMSCs we
 * connect to do while their platform is down; a closed port would look the same to the ESME's
 * backoff). It ends after its duration, or when ended by hand when it was begun without one.
 */
export class MaintenanceWindow {
  /** Epoch ms when binds are accepted again; 0 = none running; Infinity = until end(). */
  private until = 0;

  constructor(private readonly now: () => number = Date.now) {}

  begin(durationMs?: number): void {
    this.until = durationMs === undefined ? Infinity : this.now() + durationMs;
  }

  end(): void {
    this.until = 0;
  }

  get active(): boolean {
    return this.now() < this.until;
  }
}
