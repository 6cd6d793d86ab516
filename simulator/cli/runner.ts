/**
 * Runs a script on one SimulatedValidator and reports what a bystander would
 * see after each step: the LEDs, the buzzer and the screen. Decisions are
 * reported at the moment the firmware makes them (from onDecision), because
 * by the end of a step the short accept beep may be over and the screen may
 * have moved on.
 *
 * The runner only reports; render.ts decides what the report looks like.
 */
import type { BootReport, DecisionEvent } from '../../firmware/app/validator.js';
import type { Screen, Language } from '../../firmware/display/text-display.js';
import { LoopError } from '../host/loop.js';
import { SimulatedValidator } from '../validator/sim-validator.js';
import { ScriptError } from './errors.js';
import type { Script, Step } from './script.js';
import { summarize, type Summary } from './summary.js';

/** What the passenger and driver see at one moment. */
export interface Snapshot {
  /** Simulated ms since power-up. */
  readonly at: number;
  readonly leds: { readonly green: boolean; readonly red: boolean };
  readonly beeping: boolean;
  readonly screen?: Screen;
}

export type Entry =
  | { readonly kind: 'boot'; readonly snapshot: Snapshot; readonly report: BootReport; readonly script: Script; readonly language: Language }
  /** A decision, with the step that led to it (a scan, or the button press that confirmed an override). */
  | { readonly kind: 'decision'; readonly snapshot: Snapshot; readonly event: DecisionEvent; readonly step: Step; readonly scan?: number }
  /** A step that made no decision, with what came of it when that is not on the screen. */
  | { readonly kind: 'step'; readonly snapshot: Snapshot; readonly step: Step; readonly scan?: number; readonly outcome?: string };

export interface RunOptions {
  readonly language: Language;
}

/** The longest a scan may take before it is reported as undecided. */
const SCAN_LIMIT_MS = 10_000;

/** Runs every step, passing each entry to `emit` as it happens, and returns the end-of-run summary. */
export function runScript(script: Script, options: RunOptions, emit: (entry: Entry) => void): Summary {
  const decided: Array<{ snapshot: Snapshot; event: DecisionEvent }> = [];
  const s = script.scanner;
  const sim: SimulatedValidator = new SimulatedValidator({
    provisioning: { validatorId: script.validatorId, operator: script.operator, rootKeys: script.rootKeys },
    epochMs: script.clock.epochMs,
    clock: { offsetMs: script.clock.offsetMs, source: script.clock.source, uncertainty: script.clock.uncertainty },
    config: script.config,
    handshake: s.handshake,
    trigger: s.trigger,
    chunking: s.chunking,
    prefix: s.prefix,
    terminator: s.terminator,
    verifyCostMs: s.verifyCostMs,
    seed: s.seed,
    settings: { language: options.language },
    onDecision: (event) => decided.push({ snapshot: snapshot(sim), event }),
  });

  try {
    const report = sim.boot();
    emit({ kind: 'boot', snapshot: snapshot(sim), report, script, language: options.language });
    let scans = 0;
    for (const [index, step] of script.steps.entries()) {
      decided.length = 0;
      const scan = step.kind === 'scan' ? ++scans : undefined;
      const outcome = perform(sim, step, index);
      for (const d of decided) emit({ kind: 'decision', ...d, step, scan });
      if (decided.length === 0) emit({ kind: 'step', snapshot: snapshot(sim), step, scan, outcome });
    }
    return summarize(sim);
  } finally {
    sim.shutdown();
  }
}

/** Does one step; returns a note on the outcome when the screen alone would not tell it. */
function perform(sim: SimulatedValidator, step: Step, index: number): string | undefined {
  switch (step.kind) {
    case 'scan':
      return scan(sim, step.text);
    case 'press':
      sim.press(step.button);
      return undefined;
    case 'wait':
      sim.run(step.ms);
      return undefined;
    case 'trip':
      if (!sim.app.chooseTrip(step.id, step.serviceDate)) {
        const known = sim.app.trips.map((t) => `${t.id}@${t.serviceDate}`).join(', ') || 'none loaded';
        throw new ScriptError(`step ${index + 1}: trip ${step.id}@${step.serviceDate} is not in the validator's trip list (trips: ${known})`);
      }
      sim.run(0);
      return undefined;
    case 'mode':
      sim.app.setMode(step.mode);
      sim.run(0);
      return undefined;
    case 'override':
      // The firmware refuses when there is nothing to let on: that is its answer, not a script error.
      return sim.app.override(step.reason) ? undefined : 'refused by the validator: no refusal to override (none in the override window, or not boarding)';
    case 'noise':
      sim.scanner.noise(step.bytes);
      // Long enough for the bytes to cross the wire and the framer to deal with them.
      sim.run(100);
      return undefined;
  }
}

/**
 * A scan that may end without a decision: the firmware takes a short line
 * without a ticket prefix for line noise, and a code damaged on the wire is
 * dropped. The loop then runs dry before the limit and stops where the
 * activity did, which is the time worth reporting.
 */
function scan(sim: SimulatedValidator, text: string): string | undefined {
  const before = sim.events.length;
  const gaveUp = sim.scanner.gaveUp.length;
  try {
    sim.scan(text, SCAN_LIMIT_MS);
  } catch (e) {
    if (!(e instanceof LoopError)) throw e;
  }
  if (sim.events.length > before) return undefined;
  const why = sim.scanner.gaveUp.length > gaveUp
    ? 'the scanner gave up waiting for the validator to acknowledge the code'
    : 'the validator took the line for noise or got it damaged';
  return `no decision: ${why}`;
}

function snapshot(sim: SimulatedValidator): Snapshot {
  return { at: sim.loop.now(), leds: sim.leds, beeping: sim.beeping, screen: sim.display.current };
}
