/**
 * The validator firmware in the real XS engine, end to end: ValidatorApp and
 * everything it uses run inside XS; the scanner UART, buttons, LEDs, buzzer,
 * flash, clock, timers and display are the simulator's models on Node,
 * reached through the bridge. A scripted shift gives the same decisions,
 * LEDs, buzzer, screens (to the simulated millisecond), log records and flash
 * bytes as the same firmware on Node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedValidator, type SimulatedValidatorOptions } from '../../simulator/validator/sim-validator.js';
import { XsValidator } from '../../simulator/xs/validator/xs-validator.js';
import { NOW, PROVISIONING, denyDoc, trustDoc, tripsDoc } from '../e2e/fixtures.js';
import { runShift, shiftCodes, type ShiftResult } from './support/shift.js';

// The scan engine types in random bursts, as on Node: the same seed gives the
// same bursts and the same random bytes to the firmware, so flash must match.
const options: SimulatedValidatorOptions = {
  provisioning: PROVISIONING,
  epochMs: NOW * 1000,
  config: { trust: trustDoc(), deny: denyDoc(), trips: tripsDoc() },
  seed: 42,
};

describe('the firmware in XS', () => {
  const codes = shiftCodes();
  let onNode: ShiftResult;
  let xs: XsValidator;
  let inXs: ShiftResult;

  beforeAll(() => {
    const node = new SimulatedValidator(options);
    node.boot();
    onNode = runShift(node, codes);
    node.shutdown();

    xs = new XsValidator({ ...options, name: 'xs-firmware' });
    const report = xs.boot();
    expect(report.config.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
    inXs = runShift(xs, codes);
  });
  afterAll(() => xs?.close());

  it('decides every scan of the shift as on Node', () => {
    expect(inXs.steps.map((s) => s.reason)).toEqual([
      'ACCEPTED', 'ALREADY_SCANNED', 'ACCEPTED_CONCESSION', 'MALFORMED', 'UNSUPPORTED_VERSION', 'UNKNOWN_ISSUER',
      'ISSUER_KEY_EXPIRED', 'ISSUER_NOT_ALLOWED', 'BAD_SIGNATURE', 'REVOKED', 'WRONG_LINE', 'WRONG_LINE', 'ALREADY_USED',
    ]);
    expect(inXs.steps[11].override).toBe(3);
    expect(inXs.steps).toEqual(onNode.steps);
  });

  it('lights the same LEDs and sounds the same buzzer at the same simulated times', () => {
    expect(inXs.outputs.length).toBeGreaterThan(20);
    expect(inXs.outputs).toEqual(onNode.outputs);
    expect(inXs.buzzer).toEqual(onNode.buzzer);
  });

  it('draws the same screens, menus included, at the same simulated times', () => {
    expect(inXs.frames.some((f) => f.lines.some((l) => l.includes('调度指令')))).toBe(true);
    expect(inXs.frames).toEqual(onNode.frames);
  });

  it('stores the same log records, and the same bytes in both flash partitions', () => {
    expect(inXs.log).toHaveLength(13);
    expect(inXs.log).toEqual(onNode.log);
    expect(Object.keys(inXs.flash).sort()).toEqual(['boardings', 'settings']);
    expect(inXs.flash).toEqual(onNode.flash);
  });

  it('comes back after a reboot with what the firmware in XS left on flash', () => {
    const report = xs.reboot();
    expect(report.config.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
    expect(report.nextSeq).toBe(14);
    expect(xs.app.status.trip?.id).toBe('K101-1030');
    // Used on the 08:30 before the reboot: the usage state came back from the log.
    expect(xs.scan(codes.adult).reason).toBe('ALREADY_USED');
    xs.shutdown();
  });
});
