/**
 * The firmware's sync inside the real XS engine, against a real Mosquitto:
 * the unchanged SyncService runs in XS on the MQTT client the bridged board
 * provider has as `device.network.mqtt` (the simulator's SimMqttClient on a
 * real socket, on Node), as main.ts builds it on the device. The same
 * validator on Node (SimulatedValidator) runs beside it, and a scripted back
 * office on the `mqtt` package decodes what both publish and acks it. Both
 * loops run in real time (RealtimePump).
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SyncSettings } from '../../firmware/sync/sync-service.js';
import {
  ValidatorTopic, bytesToHex, decodeState, operatorConfigTopic, validatorTopic, type StateMessage,
} from '../../protocol/index.js';
import { RealtimePump } from '../../simulator/host/realtime.js';
import { SimMqttClient } from '../../simulator/network/mqtt-client.js';
import { SimNetwork } from '../../simulator/network/sim-network.js';
import { SIMULATED_FIRMWARE, SimulatedValidator, type SimulatedValidatorOptions } from '../../simulator/validator/sim-validator.js';
import { XsValidator } from '../../simulator/xs/validator/xs-validator.js';
import { FAST_SYNC, NOW, OPERATOR, PROVISIONING, TRIP, denyDoc, trustDoc, tripsDoc } from '../e2e/fixtures.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { ScriptedBackOffice } from '../support/scripted-back-office.js';
import { shiftCodes } from './support/shift.js';

const XS_ID = `V-XS-${process.pid}`;
const NODE_ID = `V-NODE-${process.pid}`;

// Quick to flush and reconnect; no ack timeout within the test, so a record
// that arrives twice would be the bridge's doing, not a deliberate resend.
const SETTINGS: Partial<SyncSettings> = { ...FAST_SYNC, outbox: { ackTimeoutMs: 3_600_000 } };

let broker: Mosquitto;
let office: ScriptedBackOffice;
const pump = new RealtimePump({ intervalMs: 5 });
let node: SimulatedValidator | undefined;
let xs: XsValidator | undefined;
/** The XS validator's link, to cut under it. */
const xsNetwork = new SimNetwork();

function options(validatorId: string, network?: SimNetwork): SimulatedValidatorOptions {
  return {
    provisioning: { ...PROVISIONING, validatorId },
    epochMs: NOW * 1000,
    config: { trust: trustDoc(), deny: denyDoc(), trips: tripsDoc() },
    seed: 42,
    sync: { client: SimMqttClient, port: broker.port, network, settings: SETTINGS },
  };
}

const statesOf = (id: string) => office.states.filter((s) => s.validator === id).map((s) => s.value);

/** What the back office stored from a validator, without the validator's clock (the two loops run apart). */
function received(id: string) {
  return office.records(id).map((r) => ({
    seq: r.seq,
    decision: r.decision,
    reason: r.reason,
    ticket: r.ticket ? bytesToHex(r.ticket) : null,
    trip: r.trip ?? null,
    serviceDate: r.serviceDate ?? null,
    override: r.override,
    passengers: r.passengers,
  }));
}

/** The retained state a newcomer to the broker gets. */
async function retainedState(id: string): Promise<StateMessage> {
  const watcher = await mqtt.connectAsync(broker.url, { clientId: `watcher-${process.pid}`, reconnectPeriod: 0 });
  try {
    const message = new Promise<{ payload: Buffer; retain: boolean }>((resolve) => watcher.once('message', (_t, payload, packet) => resolve({ payload, retain: packet.retain })));
    await watcher.subscribeAsync(validatorTopic(OPERATOR, id, ValidatorTopic.STATE), { qos: 1 });
    const { payload, retain } = await message;
    expect(retain).toBe(true);
    return decodeState(new Uint8Array(payload));
  } finally {
    await watcher.endAsync(true);
  }
}

beforeAll(async () => {
  broker = await startMosquitto();
  office = await ScriptedBackOffice.connect(broker.url, OPERATOR);
  office.autoAck = true;
  node = new SimulatedValidator(options(NODE_ID));
  node.boot();
  xs = new XsValidator({ ...options(XS_ID, xsNetwork), name: 'xs-sync' });
  xs.boot();
  pump.add(node.loop);
  pump.add(xs.loop);
  pump.start();
  await pump.until(() => statesOf(XS_ID).some((s) => s.online) && statesOf(NODE_ID).some((s) => s.online));
});

afterAll(async () => {
  pump.stop();
  try {
    xs?.shutdown();
  } finally {
    xs?.close();
    node?.shutdown();
    await office?.close();
    await broker?.close();
  }
});

describe('the sync in XS', () => {
  test('sends every boarding once, as the firmware on Node does, and the back office ack releases them', async () => {
    const v = { node: node!, xs: xs! };
    const codes = shiftCodes();
    const scans = [
      codes.adult, codes.adult, codes.student, 'NOT A TICKET AT ALL', codes.unsupported, codes.rogue,
      codes.retired, codes.notAllowed, codes.forged, codes.revoked, codes.otherLine,
    ];
    for (const validator of [v.node, v.xs]) {
      expect(validator.app.chooseTrip(TRIP.id, TRIP.serviceDate)).toBe(true);
      for (const text of scans) validator.scan(text);
    }
    await pump.until(() => office.records(XS_ID).length === scans.length && office.records(NODE_ID).length === scans.length);
    await pump.until(() => v.xs.log.status().unacked === 0 && v.node.log.status().unacked === 0);

    const fromXs = received(XS_ID);
    expect(fromXs.map((r) => r.reason)).toEqual(received(NODE_ID).map((r) => r.reason));
    expect(fromXs).toEqual(received(NODE_ID));
    expect(new Set(fromXs.map((r) => r.decision))).toEqual(new Set(['accept', 'repeat', 'reject']));
    // Exactly what the firmware in XS logged, each record once.
    const logged = v.xs.events.map((e) => e.record!);
    expect(fromXs.map((r) => [r.seq, r.ticket])).toEqual(logged.map((r) => [r.seq, r.ticket ? bytesToHex(r.ticket) : null]));
    expect([...office.deliveries(XS_ID).values()].every((n) => n === 1)).toBe(true);
    expect(v.xs.log.status().ackedSeq).toBe(logged[logged.length - 1].seq);
    expect(v.xs.log.read(1, 100)).toEqual([]);
    expect(v.xs.app.status.backlog).toBe(0);
    expect(v.xs.sync.stats.outbox.acks).toBeGreaterThan(0);
    expect(v.xs.syncEvents.some((e) => e.type === 'ack' && e.outcome === 'advanced')).toBe(true);
  });

  test('is online in the retained state, applies retained configuration, reboots on command, and reconnects when the link is cut', async () => {
    const v = xs!;
    expect(await retainedState(XS_ID)).toMatchObject({ online: true, session: 1, fw: SIMULATED_FIRMWARE });
    expect(v.app.status.configVersions.deny).toBe(1);

    await office.publish(operatorConfigTopic(OPERATOR, 'deny'), denyDoc(2), true);
    await pump.until(() => v.app.status.configVersions.deny === 2);
    await pump.until(() => office.configEvents.some((e) => e.validator === XS_ID && e.value.kind === 'deny' && e.value.outcome === 'applied' && e.value.version === 2));

    await office.command(XS_ID, 'reboot', 'xs-reboot-1');
    await pump.until(() => office.responses.some((r) => r.validator === XS_ID && r.value.reqId === 'xs-reboot-1'));
    expect(office.responses.find((r) => r.value.reqId === 'xs-reboot-1')?.value.ok).toBe(true);
    // It went, said so, and came back with the next session and the configuration it had stored.
    await pump.until(() => statesOf(XS_ID).some((s) => !s.online && s.session === 1));
    await pump.until(() => statesOf(XS_ID).some((s) => s.online && s.session === 2));
    expect(v.app.status.configVersions.deny).toBe(2);

    // The socket dies under the client (its onError crosses the bridge): the link comes back by itself.
    expect(xsNetwork.drop()).toBe(1);
    await pump.until(() => v.syncEvents.filter((e) => e.type === 'connected').length === 3);
    expect(v.syncEvents.filter((e) => e.type === 'connected' || e.type === 'disconnected').map((e) => (e.type === 'connected' ? e.session : e.type)))
      .toEqual([1, 'disconnected', 2, 'disconnected', 3]);
    expect(v.sync.state()).toBe('online');
  });
});
