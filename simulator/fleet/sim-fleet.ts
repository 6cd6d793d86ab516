/**
 * A simulated fleet: validators with the unchanged firmware, each on its
 * bus, syncing with a real broker, with passengers boarding at random. The
 * validators' loops run in real time, so the back office sees what a real
 * fleet would send: state, telemetry, batches, their acks.
 *
 * The validators share one fast verifier (tables built once per key), and
 * one seeded random stream decides who boards where, so two runs board the
 * same kinds of passenger in the same order. The firmware's own randomness
 * (log ids, reconnect jitter) is new on every run, as on real devices.
 */
import { randomInt } from 'node:crypto';
import { createFastVerifier } from '../../protocol/crypto/p256/fast-verifier.js';
import type { SyncSettings } from '../../firmware/sync/sync-service.js';
import type { DecisionEvent } from '../../firmware/app/validator.js';
import { RealtimePump } from '../host/realtime.js';
import { SimMqttClient } from '../network/mqtt-client.js';
import { SimNetwork } from '../network/sim-network.js';
import { seededRandom } from '../platform/seeded-random.js';
import { SimulatedValidator } from '../validator/sim-validator.js';
import { forge, makeFleetWorld, type FleetWorld } from './fleet-world.js';

export interface SimulatedFleetOptions {
  readonly brokerPort: number;
  readonly brokerHost?: string;
  readonly validators: number;
  readonly operator?: string;
  /** Mean time between passengers at one validator, ms. */
  readonly passengerGapMs?: number;
  readonly seed?: number;
  readonly settings?: Partial<SyncSettings>;
  readonly onDecision?: (validator: string, event: DecisionEvent) => void;
}

export interface FleetTotals {
  readonly validators: number;
  readonly online: number;
  readonly decisions: number;
  readonly accepted: number;
  readonly backlog: number;
}

export class SimulatedFleet {
  readonly world: FleetWorld;
  readonly validators: readonly { readonly id: string; readonly v: SimulatedValidator; readonly network: SimNetwork }[];
  readonly #pump = new RealtimePump({ intervalMs: 5 });
  readonly #random: () => number;
  readonly #gapMs: number;
  #started = false;
  #closed = false;
  #boarding = true;

  constructor(options: SimulatedFleetOptions) {
    const now = Date.now();
    this.world = makeFleetWorld(now, options.operator);
    this.#random = seededRandom(options.seed ?? 7);
    this.#gapMs = options.passengerGapMs ?? 4000;
    const verifier = createFastVerifier();
    // The firmware's randomness (log ids among it) differs on every run, as on real devices:
    // a fleet started again against the same database must not reuse log ids.
    const boot = randomInt(0x7fffffff);
    const { world } = this;
    // Each bus serves a departure around now.
    const upcoming = world.trips.filter((t) => t.departure >= now / 1000 - 1800);
    const serving = upcoming.length > 0 ? upcoming : world.trips.slice(-2);
    this.validators = Array.from({ length: options.validators }, (_, i) => {
      const id = `YT-V${String(i + 1).padStart(3, '0')}`;
      const network = new SimNetwork();
      const trip = serving[i % Math.min(serving.length, 8)];
      const v = new SimulatedValidator({
        provisioning: { validatorId: id, operator: world.operator, rootKeys: [world.rootPublicKey] },
        epochMs: now,
        seed: (boot + i) >>> 0,
        verifier,
        config: world.documents,
        logSize: 256 * 1024,
        sync: { client: SimMqttClient, host: options.brokerHost, port: options.brokerPort, network, settings: options.settings },
        onDecision: (event) => options.onDecision?.(id, event),
      });
      v.boot();
      v.app.chooseTrip(trip.id, trip.serviceDate);
      return { id, v, network };
    });
  }

  /** Passengers start arriving; the loops run in real time until close(). */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    for (const { v } of this.validators) {
      this.#pump.add(v.loop);
      this.#nextPassenger(v);
    }
    this.#pump.start();
  }

  /** Resolves when `condition` holds, checked as the loops run. */
  until(condition: () => boolean, timeoutMs?: number): Promise<void> {
    return this.#pump.until(condition, timeoutMs);
  }

  get totals(): FleetTotals {
    let online = 0;
    let decisions = 0;
    let accepted = 0;
    let backlog = 0;
    for (const { v } of this.validators) {
      if (v.sync?.state() === 'online') online++;
      decisions += v.events.length;
      accepted += v.events.filter((e) => e.decision === 'accept').length;
      backlog += v.log.status().unacked;
    }
    return { validators: this.validators.length, online, decisions, accepted, backlog };
  }

  /** No more passengers; the validators keep running (and syncing) until close(). */
  stopBoarding(): void {
    this.#boarding = false;
  }

  /** Every validator shuts down in order (each says it goes offline). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pump.stop();
    for (const { v } of this.validators) v.shutdown();
  }

  /** The next passenger at this bus, after a random gap of simulated (here: real) time. */
  #nextPassenger(v: SimulatedValidator): void {
    const r = this.#random;
    const gap = Math.round(this.#gapMs * (0.2 + 1.6 * r()));
    v.loop.after(gap, () => {
      if (this.#closed || !this.#boarding) return;
      v.scanner.present(this.#passengerCode(v));
      this.#nextPassenger(v);
    });
  }

  /** Mostly good tickets for this bus; now and then a forgery, a revoked ticket, a wrong line, or the same ticket twice. */
  #passengerCode(v: SimulatedValidator): string {
    const r = this.#random();
    const trip = v.app.status.trip ?? this.world.trips[0];
    const fresh = () => this.world.ticket(trip, this.#random);
    if (r < 0.03) return forge(fresh());
    if (r < 0.05) return this.world.revoked;
    if (r < 0.08) return this.world.ticketForOtherLine(this.#random);
    const code = fresh();
    // A passenger who taps twice: the second is a friendly "already scanned".
    if (r > 0.97) v.loop.after(800, () => v.scanner.present(code));
    return code;
  }
}
