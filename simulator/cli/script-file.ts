/**
 * The script file: JSON that names a validator's provisioning, the signed
 * documents in its store, clock and scanner settings and the steps to run
 * (see simulator/README.md for the format). Checked strictly before anything
 * runs: an unknown field is an error, never ignored, so a typo such as
 * "scna" stops the run instead of silently skipping a passenger.
 *
 * The field readers, times, JSON syntax errors and public key files are the
 * fleet CLI's, so a script accepts what `fleet` writes in the same forms;
 * their InputError becomes a ScriptError (exit 2) here.
 */
import { dirname, resolve } from 'node:path';
import { Mode } from '../../firmware/app/validator.js';
import { ScannerHandshake } from '../../firmware/board/board.js';
import { CONFIG_KINDS, type ConfigKind } from '../../firmware/config/active-config.js';
import { ClockSource } from '../../firmware/platform/clock.js';
import { Button } from '../../firmware/ui/buttons.js';
import { OVERRIDE_REASONS, type OverrideReason } from '../../protocol/index.js';
import { InputError } from '../../fleet/errors.js';
import { parseJson, readInputFile } from '../../fleet/input/input-file.js';
import { JsonObject, typeName } from '../../fleet/input/json-object.js';
import { nowSeconds, parseInstant, parseServiceDate } from '../../fleet/input/time.js';
import { loadPublicKeyFile, parsePublicKey } from '../../fleet/keystore/public-key-file.js';
import type { ScannerChunking } from '../scanner/emulator.js';
import { ScriptError } from './errors.js';
import type { Script, ScriptClock, ScriptScanner, Step } from './script.js';

const TOP_FIELDS = ['description', 'validatorId', 'operator', 'rootKey', 'config', 'clock', 'scanner', 'steps'] as const;
const CLOCK_FIELDS = ['epoch', 'offsetMs', 'source', 'uncertainty'] as const;
const SCANNER_FIELDS = ['handshake', 'trigger', 'chunking', 'prefix', 'terminator', 'verifyCostMs', 'seed'] as const;
const CHUNKING_FIELDS = ['minBytes', 'maxBytes', 'gapMs'] as const;
/** Exactly one of these in a step, plus an optional "note". */
const STEP_ACTIONS = ['scan', 'scanFile', 'press', 'wait', 'trip', 'mode', 'override', 'noise'] as const;

/** Far above any QR text (the firmware drops lines over 1200), low enough to catch a wrong file. */
const MAX_SCAN_LENGTH = 4096;
const MAX_WAIT_MS = 3_600_000;
const MAX_NOISE_BYTES = 1024;
const TERMINATORS: Readonly<Record<string, '\r' | '\n' | '\r\n'>> = { '\r': '\r', '\n': '\n', '\r\n': '\r\n' };
/** Hex rather than a path: a key file is never named in 64 or more hex digits, a key is longer. */
const KEY_HEX = /^[0-9a-fA-F]{64,}$/;
const TRIP_REF = /^([^@\s]+)@(\d{8}|\d{4}-\d{2}-\d{2})$/;

/** Reads, checks and loads a script and every file it names. */
export async function loadScriptFile(path: string): Promise<Script> {
  try {
    return await readScript(path);
  } catch (e) {
    if (e instanceof InputError) throw new ScriptError(e.message);
    throw e;
  }
}

async function readScript(path: string): Promise<Script> {
  const where = `script ${path}`;
  const json = parseJson((await readInputFile(path, 'script')).toString('utf8'), where);
  const f = new JsonObject(json, where).only(TOP_FIELDS);
  f.optString('description', 200);
  const base = dirname(resolve(path));
  const file = (relative: string) => resolve(base, relative);

  const validatorId = f.string('validatorId', 32);
  const operator = f.string('operator', 32);
  if (/\s/.test(operator)) throw new ScriptError(`${f.field('operator')} must be a code without spaces`);
  if (!f.has('rootKey')) throw f.missing('rootKey');
  const rootKeys = await readRootKeys(f.raw('rootKey'), f.field('rootKey'), file);
  const config = await readConfig(f.optObject('config'), file);
  const clock = readClock(f.optObject('clock'));
  const scanner = readScanner(f.optObject('scanner'));

  const steps = f.array('steps');
  if (steps.length === 0) throw new ScriptError(`${f.field('steps')} is empty: give at least one step`);
  const parsed: Step[] = [];
  for (let i = 0; i < steps.length; i++) parsed.push(await readStep(steps[i], `${where}: steps[${i}]`, file));

  return { name: path, validatorId, operator, rootKeys, config, clock, scanner, steps: parsed };
}

/** One key or several (a validator holds the old and new root during a key change); each SEC1 hex or a .pub.json path. */
async function readRootKeys(value: unknown, what: string, file: (p: string) => string): Promise<Uint8Array[]> {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new ScriptError(`${what} is an empty list`);
  const keys: Uint8Array[] = [];
  for (const [i, item] of items.entries()) {
    const label = Array.isArray(value) ? `${what}[${i}]` : what;
    if (typeof item !== 'string' || item.trim() === '') {
      throw new ScriptError(`${label} must be a public key file path or SEC1 hex, got ${typeName(item)}`);
    }
    keys.push(KEY_HEX.test(item.trim()) ? parsePublicKey(item, label) : (await loadPublicKeyFile(file(item), 'root key file')).publicKey);
  }
  return keys;
}

async function readConfig(f: JsonObject | undefined, file: (p: string) => string): Promise<Partial<Record<ConfigKind, Uint8Array>>> {
  const config: Partial<Record<ConfigKind, Uint8Array>> = {};
  if (!f) return config;
  f.only(CONFIG_KINDS);
  for (const kind of CONFIG_KINDS) {
    const relative = f.optString(kind, 1024);
    if (relative === undefined) continue;
    const bytes = await readInputFile(file(relative), `${kind} document`);
    if (bytes.length === 0) throw new ScriptError(`${kind} document ${file(relative)} is empty`);
    config[kind] = new Uint8Array(bytes);
  }
  return config;
}

function readClock(f: JsonObject | undefined): ScriptClock {
  // Without an epoch the run starts now, as `fleet issue` defaults a ticket's iat to now.
  if (!f) return { epochMs: nowSeconds() * 1000 };
  f.only(CLOCK_FIELDS);
  const epoch = f.has('epoch') ? parseInstant(f.raw('epoch'), f.field('epoch')) : nowSeconds();
  return {
    epochMs: epoch * 1000,
    offsetMs: f.optInteger('offsetMs', -366 * 86_400_000, 366 * 86_400_000, ' (ms the validator clock is ahead of true time)'),
    source: oneOf(f, 'source', Object.values(ClockSource)),
    uncertainty: f.optInteger('uncertainty', 0, 366 * 86_400, ' (seconds)'),
  };
}

function readScanner(f: JsonObject | undefined): ScriptScanner {
  if (!f) return {};
  f.only(SCANNER_FIELDS);
  const terminator = f.optString('terminator', 2);
  if (terminator !== undefined && !(terminator in TERMINATORS)) {
    throw new ScriptError(`${f.field('terminator')} must be "\\r", "\\n" or "\\r\\n"`);
  }
  const prefix = f.optString('prefix', 8);
  if (prefix !== undefined && !/^[\x21-\x7e]+$/.test(prefix)) throw new ScriptError(`${f.field('prefix')} must be printable ASCII, such as "]Q1"`);
  return {
    handshake: oneOf(f, 'handshake', Object.values(ScannerHandshake)),
    trigger: optBoolean(f, 'trigger'),
    chunking: readChunking(f),
    prefix,
    terminator: terminator === undefined ? undefined : TERMINATORS[terminator],
    verifyCostMs: f.optInteger('verifyCostMs', 0, 10_000),
    seed: f.optInteger('seed', 0, 0xffff_ffff),
  };
}

function readChunking(f: JsonObject): ScannerChunking | false | undefined {
  const raw = f.raw('chunking');
  if (raw === undefined || raw === false) return raw;
  const c = new JsonObject(raw, f.field('chunking')).only(CHUNKING_FIELDS);
  const minBytes = c.integer('minBytes', 1, 4096);
  const maxBytes = c.integer('maxBytes', minBytes, 4096, ` (at least minBytes)`);
  return { minBytes, maxBytes, gapMs: c.integer('gapMs', 0, 10_000) };
}

async function readStep(value: unknown, where: string, file: (p: string) => string): Promise<Step> {
  const f = new JsonObject(value, where).only([...STEP_ACTIONS, 'note']);
  const actions = STEP_ACTIONS.filter((a) => f.has(a));
  if (actions.length !== 1) {
    const found = actions.length === 0 ? 'none' : actions.join(' and ');
    throw new ScriptError(`${where} must have exactly one of ${STEP_ACTIONS.join(', ')} (found ${found})`);
  }
  const note = f.optString('note', 80);
  const action = actions[0];
  switch (action) {
    case 'scan':
      return { kind: 'scan', text: scanText(f.string('scan', MAX_SCAN_LENGTH), f.field('scan')), note };
    case 'scanFile': {
      const path = file(f.string('scanFile', 1024));
      const text = (await readInputFile(path, 'scan file')).toString('latin1').replace(/[\r\n]+$/, '');
      if (text === '') throw new ScriptError(`scan file ${path} is empty`);
      return { kind: 'scan', text: scanText(text, `scan file ${path}`), file: path, note };
    }
    case 'press':
      return { kind: 'press', button: oneOf(f, 'press', Object.values(Button))!, note };
    case 'wait':
      return { kind: 'wait', ms: f.integer('wait', 0, MAX_WAIT_MS, ' (milliseconds)'), note };
    case 'trip': {
      const text = f.string('trip', 48);
      const m = TRIP_REF.exec(text);
      if (!m) throw new ScriptError(`${f.field('trip')} must be "<trip id>@<service date>", such as "K101-0830@20261125"`);
      return { kind: 'trip', id: m[1], serviceDate: parseServiceDate(m[2], f.field('trip')), note };
    }
    case 'mode':
      return { kind: 'mode', mode: oneOf(f, 'mode', Object.values(Mode))!, note };
    case 'override': {
      const ids = Object.keys(OVERRIDE_REASONS).map(Number);
      const reason = f.integer('override', Math.min(...ids), Math.max(...ids), ` (${ids.map((id) => `${id} ${OVERRIDE_REASONS[id as OverrideReason].en}`).join(', ')})`);
      return { kind: 'override', reason: reason as OverrideReason, note };
    }
    case 'noise':
      return { kind: 'noise', bytes: noiseBytes(f.array('noise'), f.field('noise')), note };
  }
}

/** One line as a scan engine sends it: bytes, so 8-bit characters, and no line ends (they would split it in two). */
function scanText(text: string, what: string): string {
  if (/[\r\n]/.test(text)) throw new ScriptError(`${what} must be one line (a line end would split it into two scans)`);
  if (text.length > MAX_SCAN_LENGTH) throw new ScriptError(`${what} is longer than ${MAX_SCAN_LENGTH} characters`);
  // The engine sends one byte a character; wider characters would arrive garbled. Use "noise" for raw bytes.
  if (/[^\x00-\xff]/.test(text)) throw new ScriptError(`${what} has characters a scanner cannot send (only 8-bit characters; use "noise" for raw bytes)`);
  return text;
}

function noiseBytes(items: unknown[], what: string): Uint8Array {
  if (items.length === 0 || items.length > MAX_NOISE_BYTES) throw new ScriptError(`${what} must list 1 to ${MAX_NOISE_BYTES} bytes`);
  return Uint8Array.from(items, (b, i) => {
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) throw new ScriptError(`${what}[${i}] must be a byte (0 to 255), got ${typeName(b)}`);
    return b;
  });
}

function oneOf<T extends string>(f: JsonObject, key: string, allowed: readonly T[]): T | undefined {
  if (!f.has(key)) return undefined;
  const v = f.raw(key);
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ScriptError(`${f.field(key)} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}${typeof v === 'string' ? `, got "${v.slice(0, 20)}"` : `, got ${typeName(v)}`}`);
  }
  return v as T;
}

function optBoolean(f: JsonObject, key: string): boolean | undefined {
  if (!f.has(key)) return undefined;
  const v = f.raw(key);
  if (typeof v !== 'boolean') throw new ScriptError(`${f.field(key)} must be true or false, got ${typeName(v)}`);
  return v;
}
