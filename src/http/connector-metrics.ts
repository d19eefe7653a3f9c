import { Gauge, type Registry } from 'prom-client';
import type { ConnectorStatus } from '../domain/ports/transports.js';

/** States in which a connector takes submits; the others (connecting, retrying, closed) are down. */
const UP_STATES: ReadonlySet<ConnectorStatus['state']> = new Set(['bound', 'sandbox']);

/**
 * `vudumobile_sms_connector_up{connector}`: 1 while the SMS connector is bound in this process, 0
 * while it connects or retries (a carrier outage: alert on it staying 0). Connectors in standby (this
 * process holds none of their bind slots) are left out: another process binds them, and a 0 here
 * would page for nothing. A process without workers (`--role api`) has no connector to report.
 */
export function installConnectorMetrics(
  registry: Registry,
  connectors: () => readonly ConnectorStatus[],
): void {
  new Gauge({
    name: 'vudumobile_sms_connector_up',
    help: 'Whether each SMS connector of this process is bound (1) or down (0)',
    labelNames: ['connector'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const connector of connectors()) {
        if (connector.state === 'standby') continue;
        this.set({ connector: connector.name }, UP_STATES.has(connector.state) ? 1 : 0);
      }
    },
  });
}
