/**
 * The built-in demo: everything a validator needs, made in memory with
 * throwaway keys, and a morning on the K101 coach. The operator's root key
 * signs a trust list, a deny list and three trips; a bus issuer sells
 * tickets; passengers board, one twice, and some are refused; the driver lets
 * one refused passenger on through the menu and later changes trip.
 *
 * The clock and the simulation's seed are fixed (2026-11-25 08:00 in
 * Yantai), so every run prints the same: the keys and ticket ids are random
 * but never printed. The passengers are fictional; their full names and ID numbers
 * exist only here, and the tickets carry only the masked forms.
 */
import { randomBytes } from 'node:crypto';
import {
  IssuerMode, Product, decodeQrText, encodeQrText, es256SecretKeyFromSeed, holderIdHash, ID_KEY_LENGTH, ID_SALT_LENGTH,
  issueTicket, keptIdCharacters, maskName, nobleSigner, signDenyList, signTripList, signTrustList,
  ticketHash, type Signer, type TicketInput, type Trip,
} from '../../protocol/index.js';
import { Button } from '../../firmware/ui/buttons.js';
import type { Script, Step } from './script.js';

const OPERATOR = 'YTBUS';
/** 2026-11-25 08:00 in Yantai (UTC+8): half an hour before the first departure. */
const NOW = Date.UTC(2026, 10, 25, 0, 0, 0) / 1000;
const SERVICE_DATE = 20261125;

const K101_0830: Trip = { id: 'K101-0830', line: 'K101', serviceDate: SERVICE_DATE, departure: NOW + 1800, stops: ['YT01', 'FS02', 'PL03', 'LK04'], expected: 42 };
const K205_0900: Trip = { id: 'K205-0900', line: 'K205', serviceDate: SERVICE_DATE, departure: NOW + 3600, stops: ['YT01', 'MP05', 'HY06'], expected: 28 };
const K101_1030: Trip = { ...K101_0830, id: 'K101-1030', departure: NOW + 9000, expected: 35 };

/** Fictional passengers. Exported so tests can check that none of this reaches the output. */
export const DEMO_PASSENGERS = Object.freeze({
  adult: { name: '张三丰', idNumber: '370602199001011234' },
  student: { name: '李小龙', idNumber: '370602200803051238' },
  group: { name: '王芳芳', idNumber: '110101198507072341' },
  forger: { name: '周九龄', idNumber: '370602198001010046' },
  revoked: { name: '赵六一', idNumber: '370602197512120019' },
  otherLine: { name: '孙八斗', idNumber: '370602196001010035' },
  later: { name: '吴十全', idNumber: '370602199909090028' },
});
type Passenger = (typeof DEMO_PASSENGERS)[keyof typeof DEMO_PASSENGERS];

const newKey = (): Signer => nobleSigner(es256SecretKeyFromSeed(new Uint8Array(randomBytes(48))));

export function demoScript(): Script {
  const root = newKey();
  const bus = newKey();
  // The operator's ID-check key keys the ID hash in tickets; the validator never needs it.
  const idKey = new Uint8Array(randomBytes(ID_KEY_LENGTH));
  const header = { version: 1, issuedAt: NOW - 3600, operator: OPERATOR };

  let serial = 0;
  const ticket = (who: Passenger, transit: Partial<TicketInput['transit']> = {}) => {
    serial++;
    const cti = new Uint8Array(randomBytes(8));
    const input: TicketInput = {
      exp: NOW + 86_400, nbf: NOW - 3600, iat: NOW - 7200, cti,
      transit: {
        operator: OPERATOR, ticketNo: `YT-1125-${String(serial).padStart(4, '0')}`, product: Product.ADULT, serviceDate: SERVICE_DATE,
        line: 'K101', trip: K101_0830.id, departure: K101_0830.departure, origin: 'YT01', destination: 'PL03', seat: `${serial}A`, fare: 3650,
        holderName: maskName(who.name), holderId: keptIdCharacters(who.idNumber),
        holderIdHash: holderIdHash(who.idNumber, new Uint8Array(randomBytes(ID_SALT_LENGTH)), idKey),
        ...transit,
      },
    };
    return { qrText: issueTicket(input, bus).qrText, hash: ticketHash(cti) };
  };

  const p = DEMO_PASSENGERS;
  const adult = ticket(p.adult);
  const student = ticket(p.student, { product: Product.STUDENT, fare: 1825 });
  const group = ticket(p.group, { passengers: 3, fare: 10_950, seat: '7A-7C' });
  const forged = flipLastBit(ticket(p.forger).qrText);
  const revoked = ticket(p.revoked);
  const otherLine = ticket(p.otherLine, { line: K205_0900.line, trip: K205_0900.id, departure: K205_0900.departure, destination: 'MP05' });
  const later = ticket(p.later, { trip: K101_1030.id, departure: K101_1030.departure, destination: 'LK04' });
  idKey.fill(0);

  const scan = (text: string, note: string): Step => ({ kind: 'scan', text, note });
  const press = (button: Button, note?: string): Step => ({ kind: 'press', button, note });
  const wait = (ms: number, note?: string): Step => ({ kind: 'wait', ms, note });

  return {
    name: 'built-in demo (throwaway keys, fictional passengers)',
    validatorId: 'V-0042',
    operator: OPERATOR,
    rootKeys: [root.publicKey],
    config: {
      trust: signTrustList(header, [
        { publicKey: bus.publicKey, name: '烟台汽车总站', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: NOW - 86_400 * 30, exp: NOW + 86_400 * 365 },
      ], root),
      deny: signDenyList(header, [revoked.hash], root),
      trips: signTripList(header, [K101_0830, K205_0900, K101_1030], root),
    },
    clock: { epochMs: NOW * 1000 },
    // A native ECDSA check on the ESP32 takes about this long.
    scanner: { verifyCostMs: 40, seed: 1 },
    steps: [
      { kind: 'trip', id: K101_0830.id, serviceDate: SERVICE_DATE, note: 'start of the shift' },
      scan(adult.qrText, 'adult ticket'),
      wait(3000),
      scan(student.qrText, 'student concession'),
      wait(3000),
      scan(adult.qrText, 'the first passenger scans again'),
      wait(3000),
      scan(group.qrText, 'group ticket for three'),
      wait(3000),
      scan(forged, 'forged: a copied ticket with its signature altered'),
      wait(3000),
      scan(revoked.qrText, 'refunded ticket, on the deny list'),
      wait(3000),
      scan(otherLine.qrText, 'ticket for line K205'),
      // The dispatcher tells the driver to take the K205 passenger: an override through the menu.
      press(Button.OK, 'open the menu'),
      press(Button.DOWN),
      press(Button.DOWN, 'to the override entry'),
      press(Button.OK, 'override reasons'),
      press(Button.DOWN),
      press(Button.DOWN, 'to "dispatcher instruction"'),
      press(Button.OK, 'let the passenger on'),
      wait(5000, 'the screen returns to the prompt'),
      // The coach goes on as the 10:30: the driver changes trip through the menu.
      press(Button.OK, 'open the menu'),
      press(Button.OK, 'choose trip'),
      press(Button.DOWN),
      press(Button.DOWN, 'to K101-1030'),
      press(Button.OK, 'confirm'),
      wait(4000),
      scan(later.qrText, 'ticket for the 10:30'),
      wait(5000),
    ],
  };
}

/** The same ticket with one bit of its signature changed: what a forger editing a copy produces. */
function flipLastBit(qrText: string): string {
  const cose = decodeQrText(qrText).slice();
  cose[cose.length - 1] ^= 0x01;
  return encodeQrText(cose);
}
