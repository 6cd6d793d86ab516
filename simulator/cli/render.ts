/**
 * The run as terminal text: one block per decision or step, headed by the
 * simulated time, then the LEDs, the buzzer and the screen as the firmware
 * drew it. Nothing here adds ticket data: the only ticket details printed
 * are the ones on the validator's own screen (masked name and ID).
 *
 *   00:00.184  scan #1 · adult
 *              → accept ACCEPTED  (184 ms, signature checked)
 *              LED [G]  buzzer: beep
 *              ┌──────────────────────────────┐
 *              │K101-0830 08:30               │
 *              ...
 */
import { basename } from 'node:path';
import { DEFAULT_SETTINGS, type DecisionEvent } from '../../firmware/app/validator.js';
import { VALIDATOR_BOARD_V1 } from '../../firmware/board/board.js';
import { clockTime } from '../../firmware/display/screens.js';
import type { Language, Screen } from '../../firmware/display/text-display.js';
import { OVERRIDE_REASONS } from '../../protocol/index.js';
import { RecordingDisplay } from '../display/recording-display.js';
import type { Entry, Snapshot } from './runner.js';
import type { Script, Step } from './script.js';

export interface RenderOptions {
  readonly colour: boolean;
  readonly language: Language;
}

const GUTTER = ' '.repeat(11);

const SGR = { green: '32', red: '31', cyan: '36', yellow: '33', dim: '2', bold: '1' } as const;

/** mm:ss.mmm of simulated time since power-up; minutes keep counting past 59. */
export function formatSimTime(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(Math.floor(whole / 60_000), 2)}:${pad(Math.floor(whole / 1000) % 60, 2)}.${pad(whole % 1000, 3)}`;
}

export class Renderer {
  readonly #colour: boolean;
  readonly #language: Language;
  /** The screen last drawn, so waits that change nothing stay one line. */
  #drawn: Screen | undefined;

  constructor(options: RenderOptions) {
    this.#colour = options.colour;
    this.#language = options.language;
  }

  render(entry: Entry): string {
    switch (entry.kind) {
      case 'boot':
        return [this.#intro(entry.script), '', this.#block(entry.snapshot, 'power on', [bootLine(entry)], true)].join('\n');
      case 'decision':
        return this.#block(entry.snapshot, describeStep(entry.step, entry.scan), [this.#decisionLine(entry.event)], true);
      case 'step': {
        // A driver's action always shows the screen; time passing or line noise only when it changed something.
        const always = entry.step.kind !== 'wait' && entry.step.kind !== 'noise';
        return this.#block(entry.snapshot, describeStep(entry.step, entry.scan), entry.outcome ? [entry.outcome] : [], always);
      }
    }
  }

  #intro(script: Script): string {
    const c = script.clock;
    const clock = [
      `clock ${formatLocal(c.epochMs + (c.offsetMs ?? 0))}`,
      c.offsetMs ? `(${c.offsetMs > 0 ? '+' : ''}${c.offsetMs / 1000} s off true time)` : undefined,
      `source ${c.source ?? 'network'}`,
      `±${c.uncertainty ?? 1} s`,
    ].filter((x) => x !== undefined).join(', ');
    const s = script.scanner;
    const scanner = [
      s.handshake ? `handshake ${s.handshake}` : `handshake ${VALIDATOR_BOARD_V1.scanner.handshake} (the board's)`,
      s.trigger === false ? 'no trigger line' : 'trigger line',
      s.chunking === false ? 'one burst a code' : s.chunking ? `bursts of ${s.chunking.minBytes}-${s.chunking.maxBytes} bytes` : 'USB-serial bursts',
      s.prefix ? `prefix ${s.prefix}` : undefined,
      s.verifyCostMs ? `${s.verifyCostMs} ms a signature check` : undefined,
    ].filter((x) => x !== undefined).join(', ');
    return [
      this.#paint(`Validator ${script.validatorId} of ${script.operator} — ${script.name}`, SGR.bold),
      `  ${clock}`,
      `  scanner: ${scanner}`,
      `  ${script.steps.length} step(s); times are simulated, mm:ss.mmm since power-on`,
    ].join('\n');
  }

  #block(snapshot: Snapshot, title: string, details: readonly string[], alwaysDraw: boolean): string {
    const lines = [`${this.#paint(formatSimTime(snapshot.at), SGR.dim)}  ${title}`];
    for (const d of details) lines.push(GUTTER + d);
    lines.push(`${GUTTER}LED ${this.#leds(snapshot.leds)}  buzzer: ${snapshot.beeping ? this.#paint('beep', SGR.yellow) : 'silent'}`);
    const screen = snapshot.screen;
    if (!screen) lines.push(`${GUTTER}(display blank)`);
    else if (!alwaysDraw && this.#drawn && sameScreen(this.#drawn, screen)) lines.push(`${GUTTER}(display unchanged)`);
    else {
      for (const row of RecordingDisplay.draw(screen, { colour: this.#colour }).split('\n')) lines.push(GUTTER + row);
      this.#drawn = screen;
    }
    return `${lines.join('\n')}\n`;
  }

  #decisionLine(e: DecisionEvent): string {
    const colour = e.decision === 'accept' ? SGR.green : e.decision === 'reject' ? SGR.red : SGR.cyan;
    const head = `→ ${this.#paint(e.decision, colour)} ${e.reason}`;
    if (e.override !== 0) {
      const why = OVERRIDE_REASONS[e.override as keyof typeof OVERRIDE_REASONS][this.#language];
      return `${head}, overridden by the driver: ${why}${e.notStored ? ' (not stored: log full)' : ''}`;
    }
    const facts = [`${e.latencyMs} ms`, e.signatureChecked ? 'signature checked' : undefined, e.mode === 'inspection' ? 'inspection' : undefined, e.notStored ? 'not stored: log full' : undefined];
    return `${head}  (${facts.filter((x) => x !== undefined).join(', ')})`;
  }

  #leds(leds: Snapshot['leds']): string {
    if (!this.#colour) return `[${leds.green ? 'G' : ''}${leds.red ? 'R' : ''}${leds.green || leds.red ? '' : ' '}]`;
    const lit = [leds.green ? this.#paint('● green', SGR.green) : undefined, leds.red ? this.#paint('● red', SGR.red) : undefined].filter((x) => x !== undefined);
    return lit.length > 0 ? lit.join(' ') : this.#paint('○ off', SGR.dim);
  }

  #paint(text: string, sgr: string): string {
    return this.#colour ? `\x1b[${sgr}m${text}\x1b[0m` : text;
  }
}

/** The header of a block: what happened, in the script's terms. */
export function describeStep(step: Step, scan?: number): string {
  const note = step.note ? ` · ${step.note}` : '';
  switch (step.kind) {
    case 'scan':
      return `scan #${scan ?? '?'}${note}${step.file ? ` (${basename(step.file)})` : ''}`;
    case 'press':
      return `press ${step.button.toUpperCase()}${note}`;
    case 'wait':
      return `wait ${step.ms >= 1000 ? `${step.ms / 1000} s` : `${step.ms} ms`}${note}`;
    case 'trip':
      return `driver chooses trip ${step.id} on ${step.serviceDate}${note}`;
    case 'mode':
      return `driver switches to ${step.mode} mode${note}`;
    case 'override':
      return `driver overrides the last refusal: ${OVERRIDE_REASONS[step.reason].en}${note}`;
    case 'noise':
      return `${step.bytes.length} byte(s) of noise on the scanner line${note}`;
  }
}

function bootLine(entry: Extract<Entry, { kind: 'boot' }>): string {
  const results = entry.report.config;
  const parts = (['trust', 'deny', 'trips'] as const).map((kind) => {
    const r = results.find((x) => x.kind === kind);
    if (!r) return `${kind}: none`;
    if (r.outcome === 'rejected') return `${kind}: REJECTED (${r.error ?? 'error'}${r.message ? `: ${r.message}` : ''})`;
    return `${kind} v${r.version ?? '?'}`;
  });
  const trip = entry.report.trip ? `; trip ${entry.report.trip.id}` : '';
  return `config ${parts.join(', ')}${trip}; ${entry.language === 'zh' ? 'Chinese' : 'English'} display`;
}

/** The validator clock's wall time in the line's zone, as the driver would read it. */
function formatLocal(epochMs: number): string {
  const offset = DEFAULT_SETTINGS.utcOffsetMinutes;
  const local = new Date(epochMs + offset * 60_000).toISOString().slice(0, 10);
  const sign = offset >= 0 ? '+' : '-';
  const zone = `${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
  const seconds = String(Math.floor(epochMs / 1000) % 60).padStart(2, '0');
  return `${local} ${clockTime(Math.floor(epochMs / 1000), offset)}:${seconds} ${zone}`;
}

function sameScreen(a: Screen, b: Screen): boolean {
  return a.tone === b.tone && a.lines.length === b.lines.length && a.lines.every((line, i) => line === b.lines[i]);
}
