/**
 * `npm start` until the simulated fleet exists: an end-to-end run of the real
 * protocol. It makes an operator root key and two issuer keys, signs a trust
 * list, a deny list and a trip list, issues tickets, and validates a queue of
 * scans the way a validator on the K101 coach would, printing each decision.
 */
import { randomBytes } from 'node:crypto';
import {
  DenyList, IssuerMode, Product, REASONS, VerifiedCache, es256SecretKeyFromSeed, holderIdHash, issueTicket,
  keptIdCharacters, maskName, nobleSigner, nobleVerifier, openDenyList, openTripList, openTrustList, signDenyList,
  signTripList, signTrustList, ticketHash, validate, type TicketInput, type TicketUsage, type Trip,
} from '../protocol/index.js';

const OPERATOR = 'YTBUS';
const now = Math.floor(Date.now() / 1000);
const today = Number(new Date((now + 8 * 3600) * 1000).toISOString().slice(0, 10).replaceAll('-', ''));
const newKey = () => nobleSigner(es256SecretKeyFromSeed(randomBytes(48)));

const root = newKey();
const busIssuer = newKey();
const railIssuer = newKey();
const rootKeys = [root.publicKey];
// The operator's ID-check key: makes the ID hash in tickets irreversible without it.
const idKey = randomBytes(32);
const header = { version: 1, issuedAt: now, operator: OPERATOR };

const trust = openTrustList(signTrustList(header, [
  { publicKey: busIssuer.publicKey, name: '烟台汽车总站', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: now - 86400, exp: now + 365 * 86400 },
  { publicKey: railIssuer.publicKey, name: '铁路联程', modes: [IssuerMode.RAIL], operators: [OPERATOR], nbf: now - 86400, exp: now + 365 * 86400 },
], root), { rootKeys });

const trip: Trip = { id: 'K101-0830', line: 'K101', serviceDate: today, departure: now + 900, stops: ['YT01', 'FS02', 'PL03', 'LK04'], expected: 6 };
const trips = openTripList(signTripList(header, [trip, { ...trip, id: 'K101-1030', departure: now + 8100 }], root), { rootKeys });

let serial = 0;
function ticket(transit: Partial<TicketInput['transit']>, name: string, id: string, claims: Partial<TicketInput> = {}, signer = busIssuer) {
  const cti = randomBytes(8);
  const t = issueTicket({
    exp: now + 86400, nbf: now - 3600, iat: now - 7200, cti, ...claims,
    transit: {
      operator: OPERATOR, ticketNo: `370600${String(++serial).padStart(12, '0')}`, product: Product.ADULT, serviceDate: today,
      line: 'K101', trip: 'K101-0830', departure: trip.departure, origin: 'YT01', destination: 'LK04', seat: `${serial}A`, fare: 4500,
      holderName: maskName(name), holderId: keptIdCharacters(id), holderIdHash: holderIdHash(id, randomBytes(16), idKey), ...transit,
    },
  }, signer);
  return { ...t, hash: ticketHash(cti) };
}

const adult = ticket({}, '张三丰', '370602199001011234');
const student = ticket({ product: Product.STUDENT, fare: 2250 }, '李小龙', '370602200803051238');
const rail = ticket({ mode: IssuerMode.RAIL, ticketNo: 'G1234-05-12F' }, '王芳', '110101198507072341', {}, railIssuer);
const revoked = ticket({}, '赵六', '370602197512120019');
const later = ticket({ trip: 'K101-1030' }, '钱七', '370602199909090028');
const expired = ticket({}, '孙八', '370602196001010035', { exp: now - 7200, nbf: now - 86400 });
// A forger who copies the bus issuer's kid but cannot have its key.
const forged = ticket({ seat: '1A' }, '周九', '370602198001010046', {}, { ...newKey(), publicKey: busIssuer.publicKey });
const group = ticket({ passengers: 3, fare: 13500 }, '吴十', '370602198202020057');

const deny: DenyList = openDenyList(signDenyList(header, [revoked.hash], root), { rootKeys });

// The validator's memory of boardings; the flash log takes this role in firmware.
const used = new Map<string, TicketUsage>();
const key = (h: Uint8Array) => Array.from(h).join('.');
const verified = new VerifiedCache();

const scans: Array<[string, string]> = [
  ['adult ticket', adult.qrText], ['same ticket again', adult.qrText], ['student ticket', student.qrText],
  ['rail connection', rail.qrText], ['revoked ticket', revoked.qrText], ['ticket for 10:30', later.qrText],
  ['expired ticket', expired.qrText], ['forged ticket', forged.qrText], ['group of three', group.qrText],
  ['not a ticket', 'https://example.com/pay?id=42'],
];

console.log(`Validator on ${trip.line} ${trip.id}, ${trust.issuers.size} trusted issuers, ${deny.size} revoked, ${trips.trips.length} trips\n`);
let boarded = 0;
for (const [label, qr] of scans) {
  const t0 = performance.now();
  const r = validate(qr, { operator: OPERATOR, trust, deny, trip, now, verifier: nobleVerifier, usage: { get: (h) => used.get(key(h)) }, verified });
  const ms = performance.now() - t0;
  if (r.decision === 'accept' && r.ticket) {
    const prev = used.get(key(r.ticket.hash));
    used.set(key(r.ticket.hash), { boardings: (prev?.boardings ?? 0) + 1, lastTrip: trip.id, lastTime: now });
    boarded += r.ticket.passengers;
  }
  const light = r.decision === 'accept' ? 'GREEN' : r.decision === 'repeat' ? 'AMBER' : 'RED  ';
  const who = r.summary ? `${r.summary.holderName ?? ''} ${r.summary.productLabel.zh}${r.summary.passengers > 1 ? ' x' + r.summary.passengers : ''}` : '';
  console.log(`${light} ${label.padEnd(18)} ${r.reason.padEnd(20)} ${REASONS[r.reason].zh} / ${REASONS[r.reason].en}  ${who}  (${ms.toFixed(1)} ms)`);
}
console.log(`\nboarded ${boarded} / expected ${trip.expected}`);
console.log(`\nA ticket's QR text (${adult.qrText.length} characters):\n${adult.qrText}`);
