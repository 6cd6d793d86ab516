/**
 * A scripted shift on one simulated validator: an accept, every kind of
 * refusal, a repeat, an override and a trip change. It returns what the
 * passenger and driver saw and what was logged, as plain JSON, so the same
 * script can run on Node and inside another engine or realm and the results
 * be compared.
 */
import { OverrideReason, Product } from '../../protocol/index.js';
import { LATER_TRIP, forged, passenger, revokedTicket, retiredIssuer, rogue, validator } from '../e2e/fixtures.js';
import { testSigner } from '../protocol/fixtures.js';

export interface ScenarioStep {
  readonly reason: string;
  readonly decision: string;
  readonly override: number;
  readonly leds: { green: boolean; red: boolean };
  readonly screen: readonly string[];
}

export function runScenario(): string {
  const v = validator({ seed: 42 });
  const steps: ScenarioStep[] = [];
  const record = () => {
    const e = v.events.at(-1)!;
    steps.push({ reason: e.reason, decision: e.decision, override: e.override, leds: v.leds, screen: v.display.current!.lines });
    v.run(5000);
  };
  const scan = (text: string) => {
    v.scan(text);
    record();
  };

  const adult = passenger({ ticketNo: '370600010000009001', trip: undefined });
  scan(adult.qrText);
  scan(adult.qrText);
  scan(passenger({ ticketNo: '370600010000009002', product: Product.STUDENT }).qrText);
  scan('NOT A TICKET AT ALL');
  scan(passenger({ ticketNo: '370600010000009003' }).qrText.replace('TK1:', 'TK9:'));
  scan(passenger({ ticketNo: '370600010000009004' }, {}, rogue).qrText);
  scan(passenger({ ticketNo: '370600010000009005' }, {}, retiredIssuer).qrText);
  scan(passenger({ ticketNo: '370600010000009006' }, {}, testSigner('issuer/rail')).qrText);
  scan(forged(passenger({ ticketNo: '370600010000009007' }).qrText));
  scan(revokedTicket.qrText);
  scan(passenger({ ticketNo: '370600010000009008', line: 'K205' }).qrText);
  v.app.override(OverrideReason.DISPATCHER);
  record();
  v.app.chooseTrip(LATER_TRIP.id, LATER_TRIP.serviceDate);
  v.run(5000);
  scan(adult.qrText);

  const log = v.log.read(1, 100).map((r) => ({ ...r, ticket: r.ticket ? Array.from(r.ticket) : null }));
  v.shutdown();
  return JSON.stringify({ steps, log });
}
