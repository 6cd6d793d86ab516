/**
 * The unchanged firmware on the simulator's host provider, end to end:
 * a passenger's code goes over the simulated UART, the validator decides,
 * the LEDs, buzzer and display show it, and the boarding is recorded.
 */
import { describe, expect, it } from 'vitest';
import { Decision, OverrideReason, Product, REASONS, Reason, ticketHash } from '../../protocol/index.js';
import { ClockSource } from '../../firmware/platform/clock.js';
import { FlashChip } from '../../simulator/host/flash.js';
import { SimulatedValidator } from '../../simulator/validator/sim-validator.js';
import { LATER_TRIP, NOW, OTHER_LINE_TRIP, PROVISIONING, TRIP, forged, passenger, revokedTicket, retiredIssuer, rogue, trustDoc, tripsDoc, validator } from './fixtures.js';
import { HOLDER, testSigner, ticketInput } from '../protocol/fixtures.js';
import { utf8ToBytes } from '../../protocol/bytes.js';

/** Where `needle` first occurs in `haystack`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const zh = (r: Reason) => REASONS[r].zh;

describe('a passenger boards', () => {
  it('a valid ticket lights green with a short beep, shows the text and the masked holder, and is recorded', () => {
    const v = validator();
    const t = passenger();
    const e = v.scan(t.qrText);

    expect(e.reason).toBe(Reason.ACCEPTED);
    expect(v.leds).toEqual({ green: true, red: false });
    expect(v.beeping).toBe(true);
    expect(v.display.current?.tone).toBe('accept');
    expect(v.display.text).toContain(zh(Reason.ACCEPTED));
    expect(v.display.text).toContain('张*丰');
    expect(v.display.text).toContain('3706**********123X');
    expect(v.display.text).not.toContain('37060219900101123X');

    const [record] = v.log.read(1, 10);
    expect(record).toMatchObject({ seq: 1, decision: Decision.ACCEPT, reason: 0, override: 0, trip: TRIP.id, serviceDate: TRIP.serviceDate, passengers: 1 });
    expect(record.ticket).toEqual(ticketHash(t.cti));
    expect(v.display.text).toContain(`已上车 1/${TRIP.expected}`);

    // The beep is short, the light goes out, the screen returns to the prompt.
    v.run(150);
    expect(v.beeping).toBe(false);
    v.run(5000);
    expect(v.leds).toEqual({ green: false, red: false });
    expect(v.display.text).toContain('请出示乘车码');
  });

  it('records hold no personal data: no name, no ID number, no ID hash', () => {
    const v = validator();
    v.scan(passenger().qrText);
    const json = JSON.stringify(v.log.read(1, 10), (_k, value) => (value instanceof Uint8Array ? Array.from(value) : value));
    expect(Object.keys(v.log.read(1, 1)[0]).sort()).toEqual(['decision', 'override', 'passengers', 'reason', 'seq', 'serviceDate', 'ticket', 'time', 'trip']);
    expect(json).not.toMatch(/张|丰|3706|123X/);
  });

  it('the flash chip itself holds no name, ID number or ID hash, only the ticket hash', () => {
    const v = validator();
    const t = passenger();
    v.scan(t.qrText);
    v.app.chooseTrip(LATER_TRIP.id, LATER_TRIP.serviceDate);
    v.shutdown();
    const claims = ticketInput().transit;
    const secrets = [utf8ToBytes(HOLDER.name), utf8ToBytes('张'), utf8ToBytes('丰'), utf8ToBytes(HOLDER.idNumber), utf8ToBytes(claims.holderId!), claims.holderIdHash!.subarray(0, 8), claims.holderIdHash!.subarray(16, 24)];
    for (const path of [v.board.flash.log, v.board.flash.store]) {
      const image = v.flash.snapshot(path);
      for (const secret of secrets) expect(indexOf(image, secret), `${path} holds ${Array.from(secret)}`).toBe(-1);
    }
    expect(indexOf(v.flash.snapshot(v.board.flash.log), ticketHash(t.cti))).toBeGreaterThan(0);
  });

  it('a concession ticket is accepted with a prompt to check the card', () => {
    const v = validator();
    expect(v.scan(passenger({ product: Product.STUDENT }).qrText).reason).toBe(Reason.ACCEPTED_CONCESSION);
    expect(v.display.text).toContain(zh(Reason.ACCEPTED_CONCESSION));
    expect(v.display.text).toContain('学生');
  });

  it('a group ticket counts every passenger on it', () => {
    const v = validator();
    v.scan(passenger({ passengers: 3 }).qrText);
    expect(v.app.status.boarded).toBe(3);
    expect(v.display.text).toContain(`已上车 3/${TRIP.expected}`);
  });
});

describe('every refusal is red, with a long beep and the reason', () => {
  const cases: Array<[Reason, () => string]> = [
    [Reason.MALFORMED, () => 'https://example.com/not-a-ticket'],
    [Reason.UNSUPPORTED_VERSION, () => passenger().qrText.replace('TK1:', 'TK2:')],
    [Reason.UNKNOWN_ISSUER, () => passenger({}, {}, rogue).qrText],
    [Reason.ISSUER_KEY_EXPIRED, () => passenger({}, {}, retiredIssuer).qrText],
    [Reason.ISSUER_NOT_ALLOWED, () => passenger({}, {}, testSigner('issuer/rail')).qrText],
    [Reason.BAD_SIGNATURE, () => forged(passenger().qrText)],
    [Reason.REVOKED, () => revokedTicket.qrText],
    [Reason.NOT_YET_VALID, () => passenger({}, { nbf: NOW + 3 * 3600 }).qrText],
    [Reason.EXPIRED, () => passenger({}, { exp: NOW - 3600, nbf: NOW - 7200 }).qrText],
    [Reason.WRONG_LINE, () => passenger({ line: 'K205' }).qrText],
    [Reason.WRONG_DATE, () => passenger({ serviceDate: 20261126 }).qrText],
    [Reason.WRONG_TRIP, () => passenger({ trip: LATER_TRIP.id }).qrText],
    [Reason.WRONG_STOP, () => passenger({ origin: 'PL03', destination: 'YT01' }).qrText],
    // Set up in the test: a single-ride ticket already used on the 08:30.
    [Reason.ALREADY_USED, () => passenger({ trip: undefined }).qrText],
  ];

  it.each(cases)('%s', (reason, make) => {
    const v = validator();
    const text = make();
    if (reason === Reason.ALREADY_USED) {
      // A single-ride ticket used on the 08:30 is no good on the 10:30.
      expect(v.scan(text).reason).toBe(Reason.ACCEPTED);
      v.app.chooseTrip(LATER_TRIP.id, LATER_TRIP.serviceDate);
      v.run(5000);
    }
    const e = v.scan(text);
    expect(e.reason).toBe(reason);
    expect(e.decision).toBe(Decision.REJECT);
    expect(v.leds).toEqual({ green: false, red: true });
    expect(v.display.current?.tone).toBe('reject');
    expect(v.display.text).toContain(zh(reason));
    v.run(600);
    expect(v.beeping).toBe(true); // a long beep is still sounding after 600 ms
    v.run(2000);
    expect(v.beeping).toBe(false);
    expect(v.leds.red).toBe(false);
    const last = v.log.read(1, 100).at(-1)!;
    expect(last).toMatchObject({ decision: Decision.REJECT, reason: REASONS[reason].id });
    // After the result clears, the driver still sees what was refused last.
    v.run(5000);
    expect(v.display.text).toContain(`上次拒绝: ${zh(reason)}`);
  });

  it('English display texts when the validator is set to English', () => {
    const v = validator({ settings: { language: 'en' } });
    v.scan(passenger({ line: 'K205' }).qrText);
    expect(v.display.text).toContain(REASONS.WRONG_LINE.en);
  });
});

describe('the scanner line', () => {
  it('frames codes sent in small bursts, with an AIM prefix and CR LF terminators', () => {
    const v = validator({ chunking: { minBytes: 1, maxBytes: 7, gapMs: 3 }, prefix: ']Q1', terminator: '\r\n', seed: 7 });
    const events = v.scanAll([passenger().qrText, passenger().qrText, passenger().qrText]);
    expect(events.map((e) => e.reason)).toEqual([Reason.ACCEPTED, Reason.ACCEPTED, Reason.ACCEPTED]);
  });

  it('line noise before and between scans does not spoil them or light anything', () => {
    const v = validator({ handshake: 'none', trigger: false });
    v.scanner.noise(new Uint8Array([0x00, 0xff, 0x13, 0x80, 0x0d, 0x0a]));
    v.run(100);
    expect(v.events).toHaveLength(0);
    expect(v.leds).toEqual({ green: false, red: false });
    const e = v.scan(passenger().qrText);
    expect(e.reason).toBe(Reason.ACCEPTED);
    v.scanner.noise(new Uint8Array([0x7e, 0x7e, 0x0d]));
    v.run(6000);
    expect(v.events).toHaveLength(1);
  });

  it('a code damaged on the wire is never judged: without a handshake the passenger is asked to scan again', () => {
    const v = validator({ handshake: 'none', trigger: false, chunking: { minBytes: 20, maxBytes: 40, gapMs: 1 } });
    v.scanner.present(passenger().qrText);
    v.run(65); // decoded, and part-way down the wire
    v.scanner.noise(Uint8Array.of(0xfe));
    v.run(200);
    expect(v.events).toHaveLength(0);
    expect(v.display.current?.tone).toBe('warning');
    expect(v.display.text).toContain('读码不全 请重扫');
    expect(v.log.status().nextSeq).toBe(1);
  });

  it('a code damaged on the wire, with the handshake: the engine sends it again and the passenger boards', () => {
    const v = validator({ handshake: 'ack', trigger: false, chunking: { minBytes: 20, maxBytes: 40, gapMs: 1 } });
    v.scanner.present(passenger().qrText);
    v.run(65);
    v.scanner.noise(Uint8Array.of(0xfe));
    v.loop.runUntil(() => v.events.length > 0);
    expect(v.events.map((e) => e.reason)).toEqual([Reason.ACCEPTED]);
    expect(v.scanner.naks).toBe(1);
  });

  it('two codes back to back while the first verifies: both decided, in order, nothing lost', () => {
    // 40 ms a verify, as the ESP32's native ECDSA might take; the FIFO is the ESP32's 128 bytes.
    const v = validator({ verifyCostMs: 40, seed: 3 });
    const a = passenger();
    const b = passenger({ product: Product.CHILD });
    const events = v.scanAll([a.qrText, b.qrText]);
    expect(events.map((e) => e.reason)).toEqual([Reason.ACCEPTED, Reason.ACCEPTED_CONCESSION]);
    expect(v.host.scannerUart.overruns).toBe(0);
    expect(v.log.read(1, 10).map((r) => r.ticket)).toEqual([ticketHash(a.cti), ticketHash(b.cti)]);
  });

  it('five back-to-back codes with a slow pure-JS verify (150 ms): the handshake loses nothing', () => {
    const v = validator({ verifyCostMs: 150, handshake: 'ack', trigger: false, seed: 11 });
    const tickets = Array.from({ length: 5 }, () => passenger());
    const events = v.scanAll(tickets.map((t) => t.qrText));
    expect(events.map((e) => e.reason)).toEqual(Array(5).fill(Reason.ACCEPTED));
    expect(v.host.scannerUart.overruns).toBe(0);
    expect(v.scanner.acks).toBe(5);
  });

  it('with the trigger line, the engine is held while the validator decides, and nothing is lost', () => {
    const v = validator({ verifyCostMs: 150, handshake: 'none', trigger: true, seed: 5 });
    const tickets = Array.from({ length: 4 }, () => passenger());
    const events = v.scanAll(tickets.map((t) => t.qrText));
    expect(events.map((e) => e.reason)).toEqual(Array(4).fill(Reason.ACCEPTED));
    expect(v.host.scannerUart.overruns).toBe(0);
  });
});

describe('already scanned', () => {
  it('the same ticket again within the grace period: friendly repeat feedback, not counted twice', () => {
    const v = validator();
    const t = passenger();
    v.scan(t.qrText);
    v.run(3000);
    const e = v.scan(t.qrText);
    expect(e.reason).toBe(Reason.ALREADY_SCANNED);
    expect(e.decision).toBe(Decision.REPEAT);
    expect(v.display.current?.tone).toBe('repeat');
    expect(v.display.text).toContain(zh(Reason.ALREADY_SCANNED));
    expect(v.display.text).toContain('张*丰');
    expect(v.app.status.boarded).toBe(1);
    // Repeat looks different from accept: the green LED blinks and there are two beeps.
    v.run(1000);
    const beeps = v.host.pins.pwmChanges(v.board.buzzer.pin).filter((c) => c.at >= v.display.frames.at(-1)!.at && c.duty > 0);
    expect(beeps).toHaveLength(2);
    const greens = v.host.pins.changes(v.board.leds.green).filter((c) => c.at >= v.display.frames.at(-1)!.at);
    expect(greens.filter((c) => c.value === 1).length).toBeGreaterThanOrEqual(3);
    expect(e.signatureChecked).toBe(false);
  });
});

describe('the driver', () => {
  it('chooses the trip from the list with the buttons; the count follows the trip', () => {
    const v = validator({ chooseTrip: false });
    expect(v.display.text).toContain('未选班次');
    v.press('ok');
    expect(v.display.current?.tone).toBe('menu');
    expect(v.display.text).toContain('> 选择班次');
    v.press('ok');
    // Trips in departure order: 08:30, 09:00, 10:30 (China time).
    expect(v.display.current?.lines.slice(1)).toEqual(['> K101-0830 08:30', '  K205-0900 09:00', '  K101-1030 10:30']);
    v.press('down');
    v.press('down');
    v.press('ok');
    expect(v.app.status.trip?.id).toBe(LATER_TRIP.id);
    expect(v.display.text).toContain('K101-1030 10:30');
    expect(v.display.text).toContain(`已上车 0/${LATER_TRIP.expected}`);
  });

  it('a long trip list scrolls with the cursor', () => {
    const trips = Array.from({ length: 12 }, (_, i) => ({ ...TRIP, id: `K101-${String(700 + i * 100).padStart(4, '0')}`, departure: TRIP.departure + i * 3600 }));
    const v = validator({ chooseTrip: false, config: { trust: trustDoc(), trips: tripsDoc(1, trips) } });
    v.press('ok');
    v.press('ok');
    expect(v.display.current?.lines).toHaveLength(6);
    for (let i = 0; i < 9; i++) v.press('down');
    expect(v.display.text).toContain(`> ${trips[9].id}`);
    expect(v.display.current?.lines[0]).toContain('▲');
    v.press('ok');
    expect(v.app.status.trip?.id).toBe(trips[9].id);
  });

  it('a bouncing button contact counts as one press', () => {
    const v = validator();
    const pin = v.board.buttons.ok;
    for (const level of [0, 1, 0, 1, 0]) v.host.pins.drive(pin, level);
    v.run(10);
    v.host.pins.drive(pin, 1);
    v.run(100);
    // One press opened the menu; a second would have chosen its first item.
    expect(v.display.current?.lines[0]).toBe('菜单');
    expect(v.display.text).toContain('> 选择班次');
  });

  it('changes trip: boardings stay with their trip, and a ticket for the old trip is refused on the new one', () => {
    const v = validator();
    const t = passenger();
    v.scan(t.qrText);
    v.scan(passenger().qrText);
    expect(v.app.status.boarded).toBe(2);
    v.app.chooseTrip(OTHER_LINE_TRIP.id, OTHER_LINE_TRIP.serviceDate);
    expect(v.app.status.boarded).toBe(0);
    expect(v.scan(passenger().qrText).reason).toBe(Reason.WRONG_LINE);
    v.app.chooseTrip(TRIP.id, TRIP.serviceDate);
    expect(v.app.status.boarded).toBe(2);
  });

  it('overrides a refusal with a reason: green, logged as an override with the refusal reason, counted', () => {
    const v = validator();
    const t = passenger({ serviceDate: 20261124 });
    expect(v.scan(t.qrText).reason).toBe(Reason.WRONG_DATE);
    v.press('ok'); // menu
    v.press('down');
    v.press('down'); // 人工放行
    expect(v.display.text).toContain('> 人工放行');
    v.press('ok');
    expect(v.display.text).toContain('放行原因');
    v.press('ok'); // ID checked by hand
    const e = v.events.at(-1)!;
    expect(e).toMatchObject({ decision: Decision.ACCEPT, reason: Reason.WRONG_DATE, override: OverrideReason.ID_CHECKED });
    expect(v.leds.green).toBe(true);
    expect(v.display.text).toContain('已人工放行');
    const last = v.log.read(1, 10).at(-1)!;
    expect(last).toMatchObject({ decision: Decision.ACCEPT, reason: REASONS.WRONG_DATE.id, override: OverrideReason.ID_CHECKED });
    expect(last.ticket).toEqual(ticketHash(t.cti));
    expect(v.app.status.boarded).toBe(1);
    // Only once: nothing left to override.
    expect(v.app.override(OverrideReason.ID_CHECKED)).toBe(false);
  });

  it('cannot override when nothing was refused, or too long after', () => {
    const v = validator();
    v.scan(passenger().qrText);
    expect(v.app.override(OverrideReason.DISPATCHER)).toBe(false);
    v.scan(passenger({ line: 'K205' }).qrText);
    v.run(121_000);
    expect(v.app.override(OverrideReason.DISPATCHER)).toBe(false);
    expect(v.log.read(1, 10).filter((r) => r.override !== 0)).toEqual([]);
  });

  it('inspection mode: checks without recording, and says whether the ticket was scanned on this trip', () => {
    const v = validator();
    const boarded = passenger();
    const stowaway = passenger();
    v.scan(boarded.qrText);
    v.app.setMode('inspection');
    const records = v.log.status().nextSeq;

    v.scan(boarded.qrText);
    expect(v.display.text).toContain('本班次已验票');
    expect(v.leds.green).toBe(true);
    v.run(5000);
    v.scan(stowaway.qrText);
    expect(v.display.text).toContain('本班次未验票');
    expect(v.display.current?.tone).toBe('warning');
    v.run(5000);
    v.scan(passenger({ line: 'K205' }).qrText);
    expect(v.display.text).toContain(zh(Reason.WRONG_LINE));
    expect(v.log.status().nextSeq).toBe(records);
    expect(v.app.status.boarded).toBe(1);
  });

  it('a scan during the menu closes it so the decision is seen; the menu also times out', () => {
    const v = validator();
    v.press('ok');
    expect(v.display.current?.tone).toBe('menu');
    v.scan(passenger().qrText);
    expect(v.display.current?.tone).toBe('accept');
    v.press('ok');
    v.run(21_000);
    expect(v.display.current?.tone).not.toBe('menu');
  });

  it('sees the backlog and the link state', () => {
    const v = validator();
    v.scan(passenger().qrText);
    v.scan(passenger({ line: 'K205' }).qrText);
    v.run(5000);
    expect(v.display.text).toContain('离线 待传 2');
    v.log.markAcked(2);
    v.press('back');
    expect(v.display.text).toContain('离线 待传 0');
  });
});

describe('a full log', () => {
  it('keeps validating, warns the driver and counts what it could not store', () => {
    // Two 256-byte blocks: a header, the trip's name and six boardings each.
    const flash = new FlashChip({ partitions: { boardings: { size: 512, blockLength: 256 }, settings: { size: 8192 } } });
    const small = validator({ flash });
    const capacity = 12;
    for (let i = 0; i < capacity; i++) expect(small.scan(passenger().qrText).notStored).toBe(false);
    const e = small.scan(passenger().qrText);
    expect(e.reason).toBe(Reason.ACCEPTED);
    expect(e.notStored).toBe(true);
    expect(small.leds.green).toBe(true);
    expect(small.display.text).toContain('记录已满 请同步');
    expect(small.display.text).toContain('未存 1');
    expect(small.app.status).toMatchObject({ notStored: 1, logFull: true, boarded: capacity + 1 });
    // Nothing unacknowledged was overwritten.
    expect(small.log.read(1, 100).map((r) => r.seq)).toEqual(Array.from({ length: capacity }, (_, i) => i + 1));
    // Acknowledged records make room again, and survive a reboot as acknowledged.
    small.log.markAcked(6);
    small.run(5000);
    expect(small.scan(passenger().qrText).notStored).toBe(false);
    small.reboot();
    expect(small.log.read(1, 100).map((r) => r.seq)).toEqual([7, 8, 9, 10, 11, 12, 13]);
  });
});

describe('retention', () => {
  const smallFlash = () => new FlashChip({ partitions: { boardings: { size: 8 * 256, blockLength: 256 }, settings: { size: 8192 } } });
  const settings = { logRetentionDays: 1, housekeepingIntervalMs: 60_000 };

  it('forgets acknowledged boardings older than the retention period, so a boot reads only what is kept', () => {
    const v = validator({ flash: smallFlash(), settings });
    // A header, the trip's name and six boardings fill a 256-byte block.
    const tickets = Array.from({ length: 7 }, () => passenger());
    for (const t of tickets) v.scan(t.qrText);
    v.run(2 * 86_400_000);
    expect(v.log.get(ticketHash(tickets[0].cti))).toBeDefined(); // not acknowledged yet: kept
    v.log.markAcked(7);
    v.run(120_000);
    expect(v.log.get(ticketHash(tickets[0].cti))).toBeUndefined();
    expect(v.log.get(ticketHash(tickets[6].cti))).toBeDefined(); // in the block being written
    v.reboot();
    expect(v.log.recovery.records).toBe(1);
    expect(v.log.status()).toMatchObject({ nextSeq: 8, unacked: 0 });
  });

  it('forgets nothing while the clock was never set', () => {
    const v = validator({ flash: smallFlash(), settings, clock: { source: ClockSource.NONE } });
    for (let i = 0; i < 7; i++) v.scan(passenger().qrText);
    v.log.markAcked(7);
    v.run(2 * 86_400_000);
    expect(v.log.status().records).toBe(7);
  });
});

describe('clock', () => {
  it('a validator whose clock was never set says so, and widens its tolerance by the uncertainty', () => {
    const v = validator({ clock: { source: ClockSource.NONE, uncertainty: 1800 } });
    expect(v.display.text).toContain('时钟未校准');
    // Valid from 20 minutes from now: inside 300 s + 1800 s of tolerance.
    expect(v.scan(passenger({}, { nbf: NOW + 1200 }).qrText).reason).toBe(Reason.ACCEPTED);
  });

  it('a validator whose clock is right refuses the same ticket as not yet valid', () => {
    const v = validator();
    expect(v.display.text).not.toContain('时钟未校准');
    expect(v.scan(passenger({}, { nbf: NOW + 1200 }).qrText).reason).toBe(Reason.NOT_YET_VALID);
  });
});

describe('lifecycle and configuration', () => {
  it('without configuration it says so and refuses every ticket', () => {
    const v = validator({ config: {}, chooseTrip: false });
    expect(v.display.text).toContain('未配置');
    expect(v.scan(passenger().qrText).reason).toBe(Reason.UNKNOWN_ISSUER);
  });

  it('after a reboot: the chosen trip, the counts and the used tickets are still there', () => {
    const v = validator();
    const t = passenger();
    v.scan(t.qrText);
    const report = v.reboot();
    expect(report.trip?.id).toBe(TRIP.id);
    expect(report.nextSeq).toBe(2);
    expect(v.display.text).toContain(`已上车 1/${TRIP.expected}`);
    v.run(200_000);
    expect(v.scan(t.qrText).reason).toBe(Reason.ALREADY_USED);
  });

  it('after the battery is pulled mid-shift: every boarding, the trip and the used tickets come back from flash', () => {
    const v = validator();
    const tickets = [passenger(), passenger(), passenger()];
    for (const t of tickets) v.scan(t.qrText);
    v.run(5000);
    const report = v.powerCycle();
    expect(report).toMatchObject({ nextSeq: 4, trip: { id: TRIP.id } });
    expect(v.log.read(1, 10).map((r) => r.ticket)).toEqual(tickets.map((t) => ticketHash(t.cti)));
    expect(v.display.text).toContain(`已上车 3/${TRIP.expected}`);
    v.run(200_000);
    expect(v.scan(tickets[1].qrText).reason).toBe(Reason.ALREADY_USED);
    expect(v.log.status()).toMatchObject({ records: 4, nextSeq: 5 });
  });

  it('shutdown closes every pin and port, is idempotent, and nothing fires afterwards', () => {
    const v = validator();
    v.scan(passenger().qrText);
    v.shutdown();
    v.shutdown();
    expect(v.host.pins.inUse(v.board.leds.green)).toBeUndefined();
    expect(v.host.pins.inUse(v.board.buttons.ok)).toBeUndefined();
    const frames = v.display.frames.length;
    v.scanner.present(passenger().qrText);
    v.run(10_000);
    expect(v.display.frames.length).toBe(frames);
  });

  it('a storage failure during a decision shows a fault, is counted, and the next passenger is still served', () => {
    const v = validator();
    v.flash.failNext('write', v.board.flash.log);
    v.scanner.present(passenger().qrText);
    v.run(500);
    expect(v.display.text).toContain('设备故障 请人工核验');
    expect(v.app.status.faults).toBe(1);
    expect(v.scan(passenger().qrText).reason).toBe(Reason.ACCEPTED);
    expect(v.app.status.boarded).toBe(1);
  });

  it('a part that will not open stops the boot cleanly: everything opened before it is released', () => {
    const v = new SimulatedValidator({ provisioning: PROVISIONING, epochMs: NOW * 1000 });
    const { Digital } = v.host.device.io;
    const squatter = new Digital({ pin: v.board.buttons.back, mode: Digital.Output });
    expect(() => v.boot()).toThrow(/in use|already/i);
    expect(v.host.pins.inUse(v.board.leds.green)).toBeUndefined();
    expect(v.host.pins.inUse(v.board.buttons.ok)).toBeUndefined();
    expect(v.host.scannerUart.isOpen).toBe(false);
    squatter.close();
  });

  it('applies a newer trip list, refuses an older or forged one, and keeps the chosen trip', () => {
    const v = validator();
    expect(v.app.applyConfig('trips', tripsDoc(2, [TRIP, { ...LATER_TRIP, expected: 50 }])).outcome).toBe('applied');
    expect(v.app.status.trip?.id).toBe(TRIP.id);
    expect(v.app.applyConfig('trips', tripsDoc(1)).outcome).toBe('rejected');
    expect(v.app.applyConfig('trips', tripsDoc(1)).error).toBe('ROLLBACK');
    const forgedTrips = tripsDoc(3);
    forgedTrips[forgedTrips.length - 1] ^= 1;
    expect(v.app.applyConfig('trips', forgedTrips)).toMatchObject({ outcome: 'rejected', error: 'BAD_SIGNATURE', version: 2 });
    expect(v.app.applyConfig('trust', new Uint8Array([1, 2, 3])).outcome).toBe('rejected');
    expect(v.app.trips.map((t) => t.id)).toEqual([TRIP.id, LATER_TRIP.id]);
    // The new list is what a reboot comes back with.
    v.reboot();
    expect(v.app.status.configVersions).toEqual({ trust: 1, deny: 1, trips: 2 });
    expect(v.app.applyConfig('trust', trustDoc(1)).outcome).toBe('unchanged');
  });
});
