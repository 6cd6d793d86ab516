/**
 * A run of one simulated validator, as the runner takes it: provisioning,
 * the signed configuration already in its store, clock and scanner settings,
 * and the steps. Everything is loaded (files read, keys parsed), so a run
 * never fails half-way on a missing file. script-file.ts makes one from the
 * JSON format; demo.ts builds one in memory.
 */
import type { Mode } from '../../firmware/app/validator.js';
import type { ConfigKind } from '../../firmware/config/active-config.js';
import type { Button } from '../../firmware/ui/buttons.js';
import type { OverrideReason } from '../../protocol/index.js';
import type { SimClockOptions } from '../platform/sim-clock.js';
import type { SimulatedValidatorOptions } from '../validator/sim-validator.js';

export type Step =
  /** A passenger holds up a code. `file` is where the text came from, for the report. */
  | { readonly kind: 'scan'; readonly text: string; readonly file?: string; readonly note?: string }
  | { readonly kind: 'press'; readonly button: Button; readonly note?: string }
  | { readonly kind: 'wait'; readonly ms: number; readonly note?: string }
  /** The driver picks the trip directly (as the menu's trip list would). */
  | { readonly kind: 'trip'; readonly id: string; readonly serviceDate: number; readonly note?: string }
  | { readonly kind: 'mode'; readonly mode: Mode; readonly note?: string }
  /** The driver lets the last refused passenger on, giving this reason. */
  | { readonly kind: 'override'; readonly reason: OverrideReason; readonly note?: string }
  /** Raw bytes on the scanner line. */
  | { readonly kind: 'noise'; readonly bytes: Uint8Array; readonly note?: string };

export type StepKind = Step['kind'];

/** The validator's clock: as the simulator takes it, ticks always simulated. */
export type ScriptClock = Omit<SimClockOptions, 'ticks'>;

/** The scan engine and the board's line to it, as the simulated validator takes them. */
export type ScriptScanner = Pick<SimulatedValidatorOptions, 'handshake' | 'trigger' | 'chunking' | 'prefix' | 'terminator' | 'verifyCostMs' | 'seed'>;

export interface Script {
  /** Where it came from, for the report: a file path or "built-in demo". */
  readonly name: string;
  readonly validatorId: string;
  readonly operator: string;
  readonly rootKeys: readonly Uint8Array[];
  /** Signed documents in the validator's store at first boot; a missing kind is not configured. */
  readonly config: Readonly<Partial<Record<ConfigKind, Uint8Array>>>;
  readonly clock: ScriptClock;
  readonly scanner: ScriptScanner;
  readonly steps: readonly Step[];
}
