/**
 * A readable summary of a ticket: what the ticket itself carries, which is
 * already masked (name, ID number); the salted ID hash is only reported as
 * present, since together with the kept ID characters it is all a guesser
 * needs to test candidate ID numbers.
 */
import { bytesToHex, displayMaskedId, PRODUCT_LABEL, ticketHash, type Sign1, type TicketClaims } from '../../protocol/index.js';
import { modeName, productName } from '../input/codes.js';
import { formatInstant } from '../input/time.js';

const time = (t: number | undefined) => (t === undefined ? undefined : formatInstant(t));

export function ticketSummary(message: Sign1, claims: TicketClaims, cose: Uint8Array, qrText: string | undefined): Record<string, unknown> {
  const t = claims.transit;
  const label = PRODUCT_LABEL[t.product];
  return {
    kind: 'ticket',
    kid: message.kid && bytesToHex(message.kid),
    ticketId: bytesToHex(claims.cti),
    ticketHash: bytesToHex(ticketHash(claims.cti)),
    qrLength: qrText?.length,
    coseLength: cose.length,
    iss: claims.iss,
    iat: time(claims.iat),
    nbf: time(claims.nbf),
    exp: time(claims.exp),
    operator: t.operator,
    ticketNo: t.ticketNo,
    product: `${productName(t.product)} (${label.zh})`,
    serviceDate: t.serviceDate,
    line: t.line,
    trip: t.trip,
    departure: time(t.departure),
    origin: t.origin,
    destination: t.destination,
    seat: t.seat,
    passengers: t.passengers,
    fare: t.fare,
    currency: t.currency,
    rides: t.rides,
    mode: modeName(t.mode),
    invoiceRef: t.invoiceRef,
    holder:
      t.holderName === undefined && t.holderId === undefined && t.holderIdHash === undefined
        ? undefined
        : {
            name: t.holderName,
            id: t.holderId === undefined ? undefined : displayMaskedId(t.holderId),
            idHash: t.holderIdHash === undefined ? undefined : 'present',
          },
  };
}
