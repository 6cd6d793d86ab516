/**
 * A scripted shift that runs the same on any validator with the simulator's
 * test surface: the firmware on Node (SimulatedValidator) or in XS
 * (XsValidator). Every kind of refusal, a repeat, an override and a trip
 * change through the driver's buttons, a trip chosen by call; it returns what
 * the passenger and driver saw and what the firmware stored, as plain JSON,
 * so two runs can be compared whole.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { DecisionEvent } from '../../../firmware/app/validator.js';
import type { BoardingRecord } from '../../../firmware/log/boarding-log.js';
import type { Button } from '../../../firmware/ui/buttons.js';
import { Product, bytesToHex } from '../../../protocol/index.js';
import type { RecordingDisplay } from '../../../simulator/display/recording-display.js';
import type { FlashChip } from '../../../simulator/host/flash.js';
import type { HostDevice } from '../../../simulator/host/provider.js';
import { TRIP, forged, passenger, revokedTicket, retiredIssuer, rogue } from '../../e2e/fixtures.js';
import { testSigner } from '../../protocol/fixtures.js';

/** What the script needs of a validator: SimulatedValidator and XsValidator both have it. */
export interface ShiftSubject {
  scan(text: string): DecisionEvent;
  press(button: Button): void;
  run(ms: number): void;
  readonly events: readonly DecisionEvent[];
  readonly leds: { readonly green: boolean; readonly red: boolean };
  readonly beeping: boolean;
  readonly display: RecordingDisplay;
  readonly host: HostDevice;
  readonly flash: FlashChip;
  readonly app: { chooseTrip(id: string, serviceDate: number): boolean };
  readonly log: { read(fromSeq: number, max: number): BoardingRecord[] };
}

export interface ShiftStep {
  readonly reason: string;
  readonly decision: string;
  readonly override: number;
  readonly leds: { readonly green: boolean; readonly red: boolean };
  readonly beeping: boolean;
  readonly screen: readonly string[];
}

export interface ShiftResult {
  readonly steps: readonly ShiftStep[];
  /** Every screen the firmware drew, with its simulated time. */
  readonly frames: ReadonlyArray<{ at: number; tone: string; lines: readonly string[] }>;
  /** Every LED, trigger and buzzer change, with its simulated time. */
  readonly outputs: ReadonlyArray<{ pin: number; value: number; at: number }>;
  readonly buzzer: ReadonlyArray<{ pin: number; duty: number; hz: number; at: number }>;
  readonly log: ReadonlyArray<Record<string, unknown>>;
  /** SHA-256 of each flash partition after the shift. */
  readonly flash: Readonly<Record<string, string>>;
}

/** The codes the passengers show; made once so every run scans the same bytes. */
export interface ShiftCodes {
  readonly adult: string;
  readonly student: string;
  readonly unsupported: string;
  readonly rogue: string;
  readonly retired: string;
  readonly notAllowed: string;
  readonly forged: string;
  readonly revoked: string;
  readonly otherLine: string;
}

export function shiftCodes(): ShiftCodes {
  return {
    adult: passenger({ ticketNo: '370600010000009001', trip: undefined }).qrText,
    student: passenger({ ticketNo: '370600010000009002', product: Product.STUDENT }).qrText,
    unsupported: passenger({ ticketNo: '370600010000009003' }).qrText.replace('TK1:', 'TK9:'),
    rogue: passenger({ ticketNo: '370600010000009004' }, {}, rogue).qrText,
    retired: passenger({ ticketNo: '370600010000009005' }, {}, retiredIssuer).qrText,
    notAllowed: passenger({ ticketNo: '370600010000009006' }, {}, testSigner('issuer/rail')).qrText,
    forged: forged(passenger({ ticketNo: '370600010000009007' }).qrText),
    revoked: revokedTicket.qrText,
    otherLine: passenger({ ticketNo: '370600010000009008', line: 'K205' }).qrText,
  };
}

export function runShift(v: ShiftSubject, codes: ShiftCodes): ShiftResult {
  const steps: ShiftStep[] = [];
  const record = () => {
    const e = v.events[v.events.length - 1];
    steps.push({ reason: e.reason, decision: e.decision, override: e.override, leds: v.leds, beeping: v.beeping, screen: v.display.current?.lines ?? [] });
    v.run(5000);
  };
  const scan = (text: string) => {
    v.scan(text);
    record();
  };
  const presses = (...buttons: Button[]) => {
    for (const b of buttons) v.press(b);
  };

  if (!v.app.chooseTrip(TRIP.id, TRIP.serviceDate)) throw new Error('no such trip');
  v.run(5000);
  scan(codes.adult);
  scan(codes.adult);
  scan(codes.student);
  scan('NOT A TICKET AT ALL');
  scan(codes.unsupported);
  scan(codes.rogue);
  scan(codes.retired);
  scan(codes.notAllowed);
  scan(codes.forged);
  scan(codes.revoked);
  scan(codes.otherLine);
  // The driver lets the K205 passenger on: menu, 人工放行 (third item), 调度指令 (third reason).
  const before = v.events.length;
  presses('ok', 'down', 'down', 'ok', 'down', 'down', 'ok');
  if (v.events.length !== before + 1) throw new Error('the override made no decision');
  record();
  // Then changes trip through the menu: 选择班次, the third trip in departure order (08:30, 09:00, 10:30).
  presses('ok', 'ok', 'down', 'down', 'ok');
  v.run(5000);
  scan(codes.adult);

  const log = v.log.read(1, 100).map((r) => ({ ...r, ticket: r.ticket ? bytesToHex(r.ticket) : null }));
  const flash: Record<string, string> = {};
  for (const path of v.flash.partitions) flash[path] = bytesToHex(sha256(v.flash.snapshot(path)));
  return {
    steps,
    frames: v.display.frames.map((f) => ({ at: f.at, tone: f.screen.tone, lines: f.screen.lines })),
    outputs: v.host.pins.history.map((c) => ({ pin: c.pin, value: c.value, at: c.at })),
    buzzer: v.host.pins.pwmHistory.map((c) => ({ pin: c.pin, duty: c.duty, hz: c.hz, at: c.at })),
    log,
    flash,
  };
}
