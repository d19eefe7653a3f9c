import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { BindSlot, BindSlotStore } from '../domain/ports/bind-slots.js';
import type { Logger } from '../domain/ports/logger.js';
import type { ConnectorOptions } from '../transport/smpp/smpp-url.js';
import { PollingWorker } from './polling-worker.js';
import type { Worker } from './worker.js';

/** What the worker drives: the SMPP transport's connectors that share their binds through slots. */
export interface SlottedTransport {
  readonly slotted: readonly ConnectorOptions[];
  activate(name: string): Promise<void>;
  deactivate(name: string): Promise<void>;
}

export interface BindSlotsDeps {
  readonly slots: BindSlotStore;
  readonly transport: SlottedTransport;
  readonly log: Logger;
  readonly now: () => number;
  /** A slot not renewed for this long is free for another process (SMPP_BIND_LEASE_MS). */
  readonly leaseMs: number;
  /** Called after a connector was activated: the dispatcher may claim again. */
  readonly onActivated?: () => void;
}

/**
 * Spreads the binds of each connector with `max_binds=M` over the worker processes: every third of
 * the lease, a process renews the slot it holds, or tries to take a free one (never held, or its
 * holder's lease ran out). It binds the connector only while it holds a slot; when a renewal finds
 * the slot taken, or cannot be written until the lease is nearly over, it unbinds. So the carrier
 * sees at most M binds, and a dead worker's bind is taken over one lease later.
 *
 * stop() only ends the heartbeat; release() gives the slots back once the transport has unbound, so
 * that another process never binds while this one still is.
 */
export class BindSlotsWorker implements Worker {
  readonly name = 'smpp-bind-slots';
  readonly holder = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly held = new Map<string, BindSlot>();
  private readonly heartbeatMs: number;
  private readonly loop: PollingWorker;

  constructor(private readonly deps: BindSlotsDeps) {
    this.heartbeatMs = Math.max(100, Math.floor(deps.leaseMs / 3));
    this.loop = new PollingWorker(this.name, deps.log, (signal) => this.tick(signal), this.heartbeatMs);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** After the transport closed: frees the slots at once rather than after the lease. */
  async release(): Promise<void> {
    for (const slot of this.held.values()) {
      await this.deps.slots
        .release(slot, this.holder)
        .catch((error: unknown) =>
          this.deps.log.warn({ err: error, connector: slot.connector }, 'bind slots: could not release'),
        );
    }
    this.held.clear();
  }

  /** One heartbeat over every slotted connector; the next is a third of the lease away. */
  private async tick(signal: AbortSignal): Promise<boolean> {
    for (const connector of this.deps.transport.slotted) {
      if (signal.aborted) break;
      try {
        await this.beat(connector);
      } catch (error) {
        this.deps.log.error({ err: error, connector: connector.name }, 'bind slots: heartbeat failed');
        await this.giveUpIfExpiring(connector.name, this.heartbeatMs);
      }
    }
    return false;
  }

  private async beat(connector: ConnectorOptions): Promise<void> {
    const { slots, now, leaseMs, log, transport } = this.deps;
    const slot = this.held.get(connector.name);
    if (slot) {
      const renewed = await slots.renew(slot, this.holder, now() + leaseMs);
      if (renewed) {
        this.held.set(connector.name, renewed);
        return;
      }
      this.held.delete(connector.name);
      log.warn({ connector: connector.name, slot: slot.slot }, 'bind slots: slot taken over; unbinding');
      await transport.deactivate(connector.name);
      return;
    }
    const acquired = await slots.acquire({
      connector: connector.name,
      maxBinds: connector.maxBinds ?? 1,
      holder: this.holder,
      now: now(),
      leaseMs,
    });
    if (!acquired) return;
    this.held.set(connector.name, acquired);
    log.info({ connector: connector.name, slot: acquired.slot, holder: this.holder }, 'bind slots: binding');
    await transport.activate(connector.name);
    this.deps.onActivated?.();
  }

  /** The database cannot confirm our slot: stop binding before another process may take it. */
  private async giveUpIfExpiring(name: string, heartbeatMs: number): Promise<void> {
    const slot = this.held.get(name);
    if (!slot || this.deps.now() < slot.leaseUntil - heartbeatMs) return;
    this.held.delete(name);
    this.deps.log.warn({ connector: name }, 'bind slots: lease about to lapse unrenewed; unbinding');
    await this.deps.transport.deactivate(name);
  }
}
