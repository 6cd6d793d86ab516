/**
 * The simulator CLI (simulator/cli.ts), run as a child process the way a
 * shell runs it, as tests/fleet-cli.test.ts does for the fleet CLI. The
 * scripted run uses keys, documents and tickets made by the fleet CLI itself,
 * so the two tools are tested together on the files one hands the other.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REASONS } from '../../protocol/index.js';
import { runCli as fleetCli } from '../../fleet/run-cli.js';
import { DEMO_PASSENGERS } from '../../simulator/cli/demo.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO, 'simulator', 'cli.ts');
const EXAMPLES = join(REPO, 'fleet', 'examples');
/** The fictional holder of fleet/examples/ticket.json. */
const EXAMPLE_HOLDER = { name: '张三丰', idNumber: '370699199003071234' };
/** A resident ID number: 17 digits and a check character. */
const ID_NUMBER = /\d{17}[\dX]/;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI in a child process, as a shell would run it (not a terminal, so no colour unless asked). */
async function sim(...argv: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...argv], {
      cwd: REPO,
      env: { ...process.env, SIM_DEBUG: '', NO_COLOR: '' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** The fleet CLI in-process; returns its stdout. */
async function fleet(...argv: string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await fleetCli(argv, { out: (t) => out.push(`${t}\n`), err: (t) => err.push(`${t}\n`) });
  expect(code, err.join('')).toBe(0);
  return out.join('');
}

/** Decisions in the order printed: "accept ACCEPTED", "reject REVOKED", ... */
function decisions(stdout: string): string[] {
  return [...stdout.matchAll(/→ (accept|reject|repeat) ([A-Z_]+)/g)].map((m) => `${m[1]} ${m[2]}`);
}

function expectOk(run: Run): Run {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

/** Exit 2, one stderr line matching `pattern`, no stack trace, nothing on stdout. */
function expectScriptError(run: Run, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^sim: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).toBe('');
}

describe('sim demo', () => {
  it('runs a whole morning and exits 0: accepts, refusals, an override, a trip change', async () => {
    const run = expectOk(await sim('demo'));
    const out = run.stdout;
    expect(out).toContain(REASONS.ACCEPTED.zh);
    expect(out).toContain(REASONS.ACCEPTED_CONCESSION.zh);
    expect(out).toContain(REASONS.BAD_SIGNATURE.zh);
    expect(out).toContain(REASONS.REVOKED.zh);
    expect(out).toContain(REASONS.WRONG_LINE.zh);
    expect(out).toContain(REASONS.ALREADY_SCANNED.zh);
    expect(decisions(out)).toEqual([
      'accept ACCEPTED', 'accept ACCEPTED_CONCESSION', 'repeat ALREADY_SCANNED', 'accept ACCEPTED',
      'reject BAD_SIGNATURE', 'reject REVOKED', 'reject WRONG_LINE', 'accept WRONG_LINE', 'accept ACCEPTED',
    ]);
    expect(out).toContain('overridden by the driver: 调度指令');
    expect(out).toContain('已切换班次');
    expect(out).toMatch(/boarded +K101-0830 20261125: 6\/42\n/);
    expect(out).toMatch(/boarded +K101-1030 20261125: 1\/35 \(current trip\)/);
    expect(out).toMatch(/LED \[G\] +buzzer: beep/);
    expect(out).toMatch(/LED \[R\] +buzzer: beep/);
    expect(out).not.toContain('\x1b[');

    // The screen shows masked holders; nothing anywhere shows a full name or ID number.
    expect(out).toContain('张*丰 3706**********1234');
    for (const p of Object.values(DEMO_PASSENGERS)) {
      expect(out).not.toContain(p.name);
      expect(out).not.toContain(p.idNumber);
    }
    expect(out).not.toMatch(ID_NUMBER);
  });

  it('--colour and --language en: coloured LEDs, English screens', async () => {
    const run = expectOk(await sim('demo', '--colour', '--language', 'en'));
    expect(run.stdout).toContain(REASONS.ACCEPTED.en);
    expect(run.stdout).toContain(REASONS.BAD_SIGNATURE.en);
    expect(run.stdout).toContain('\x1b[32m● green\x1b[0m');
    expect(run.stdout).toContain('\x1b[31m● red\x1b[0m');
    expect(run.stdout).not.toContain(REASONS.ACCEPTED.zh);
  });
});

describe('sim run <script>', () => {
  let dir: string;

  /** A script file in the temp dir from `fields`, with the provisioning the fleet files give. */
  async function script(name: string, fields: Record<string, unknown>): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify({
      validatorId: 'V-0007',
      operator: 'YTBUS',
      rootKey: 'keys/root.pub.json',
      config: { trust: 'out/trust.cbor', deny: 'out/deny.cbor', trips: 'out/trips.cbor' },
      clock: { epoch: '2026-12-01T08:10:00+08:00' },
      ...fields,
    }, null, 2));
    return path;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-cli-'));
    const keys = join(dir, 'keys');
    const input = join(dir, 'input');
    const out = join(dir, 'out');
    const tickets = join(dir, 'tickets');
    await mkdir(input);
    await mkdir(tickets);
    await fleet('keygen', '--kind', 'root', '--out', keys);
    await fleet('keygen', '--kind', 'issuer', '--out', keys);
    await fleet('keygen', '--kind', 'id-check', '--out', keys);

    // issuers.json names ../keys/issuer.pub.json, relative to itself: so it lives in input/.
    await copyFile(join(EXAMPLES, 'issuers.json'), join(input, 'issuers.json'));
    const header = ['--version', '1', '--operator', 'YTBUS'];
    const root = ['--root', join(keys, 'root.key')];
    await fleet('trust', ...root, '--issuers', join(input, 'issuers.json'), ...header, '--out', join(out, 'trust.cbor'));
    await fleet('trips', ...root, '--trips', join(EXAMPLES, 'trips.json'), ...header, '--out', join(out, 'trips.cbor'));
    const revokedCti = '5e1f0c2d3b4a6978';
    await writeFile(join(input, 'revoked.txt'), `${revokedCti}   # refunded\n`);
    await fleet('deny', ...root, '--ticket-ids', join(input, 'revoked.txt'), ...header, '--out', join(out, 'deny.cbor'));

    // Tickets as `fleet issue ... > name.qr` leaves them: the QR text and a newline.
    const base = JSON.parse(await readFile(join(EXAMPLES, 'ticket.json'), 'utf8')) as Record<string, unknown>;
    const issue = async (name: string, changes: Record<string, unknown>, cti?: string) => {
      const ticketFile = join(input, `${name}.json`);
      await writeFile(ticketFile, JSON.stringify({ ...base, ...changes }));
      const qr = await fleet('issue', '--key', join(keys, 'issuer.key'), '--id-key', join(keys, 'id-check.key'), '--ticket', ticketFile, ...(cti ? ['--cti', cti] : []));
      await writeFile(join(tickets, `${name}.qr`), qr);
    };
    await issue('adult', {});
    await issue('student', { ticketNo: '370600010020261202', product: 'student', fare: 1825 });
    await issue('revoked', { ticketNo: '370600010020261203' }, revokedCti);
    await issue('pair', { ticketNo: '370600010020261204', passengers: 2, fare: 7300 });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the fleet-made tickets through the validator and prints the decisions in order and the summary', async () => {
    const path = await script('morning.json', {
      scanner: { handshake: 'none', trigger: false, chunking: { minBytes: 8, maxBytes: 32, gapMs: 1 }, verifyCostMs: 40 },
      steps: [
        { trip: 'K101-0830@20261201', note: 'start of the shift' },
        { scanFile: 'tickets/adult.qr' },
        { scanFile: 'tickets/student.qr' },
        { wait: 2000 },
        { scanFile: 'tickets/adult.qr', note: 'again' },
        { scanFile: 'tickets/revoked.qr' },
        { override: 1, note: 'the driver checks the ID card' },
        { noise: [0, 255, 19, 128, 13, 10] },
        { scan: 'https://example.com/pay?id=42' },
        { mode: 'inspection' },
        { scanFile: 'tickets/adult.qr', note: 'inspector' },
        { mode: 'boarding' },
        { scanFile: 'tickets/pair.qr' },
        { press: 'back' },
      ],
    });
    const run = expectOk(await sim('run', path));
    const out = run.stdout;

    expect(decisions(out)).toEqual([
      'accept ACCEPTED', 'accept ACCEPTED_CONCESSION', 'repeat ALREADY_SCANNED', 'reject REVOKED',
      'accept REVOKED', 'reject MALFORMED', 'accept ACCEPTED', 'accept ACCEPTED',
    ]);
    expect(out).toContain('overridden by the driver: 已人工核验证件');
    expect(out).toContain('本班次已验票'); // the inspector's scan: boarded on this trip
    expect(out).toContain('scan #1 (adult.qr)');
    expect(out).toMatch(/\n00:00\.\d{3}  driver chooses trip K101-0830 on 20261201 · start of the shift\n/);
    // Line noise is framed away: no decision, nothing new on the screen.
    expect(out).toMatch(/6 byte\(s\) of noise on the scanner line\n {11}LED \S+ +buzzer: silent\n {11}\(display unchanged\)\n/);

    // Inspection is not a boarding: eight decisions, seven records, five on board (adult, student, override, pair of two).
    expect(out).toMatch(/decisions +8: 5 accept \(1 by driver override\), 2 reject, 1 repeat\n/);
    expect(out).toMatch(/ACCEPTED +3 +验票通过 请上车/); // adult, the inspector's scan, the pair
    expect(out).toMatch(/REVOKED +1 +票已作废/);
    expect(out).toMatch(/MALFORMED +1 +/);
    expect(out).toMatch(/boarded +K101-0830 20261201: 5\/42 \(current trip\)/);
    expect(out).toMatch(/log backlog +7 record\(s\) not yet sent/);

    expect(out).toContain('张*丰 3706**********1234');
    expect(out).not.toContain(EXAMPLE_HOLDER.name);
    expect(out).not.toContain(EXAMPLE_HOLDER.idNumber);
  });

  it('a trip the validator does not have stops the run with exit 2 and one line', async () => {
    const path = await script('no-such-trip.json', { steps: [{ trip: 'K999-0000@20261201' }] });
    const run = await sim('run', path);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^sim: step 1: trip K999-0000@20261201 is not in the validator's trip list \(trips: K101-0830@20261201, /)]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  describe('a malformed script exits 2 with one line and no stack trace', () => {
    it.concurrent('an unknown step key', async () => {
      const path = await script('typo.json', { steps: [{ trip: 'K101-0830@20261201' }, { scna: 'TK1:ABC' }] });
      expectScriptError(await sim('run', path), /steps\[1\]: unknown field "scna" \(known: scan, scanFile, /);
    });

    it.concurrent('an unknown top-level key', async () => {
      const path = await script('top.json', { stepz: [], steps: [{ wait: 1 }] });
      expectScriptError(await sim('run', path), /unknown field "stepz"/);
    });

    it.concurrent('two actions in one step', async () => {
      const path = await script('two.json', { steps: [{ wait: 100, press: 'ok' }] });
      expectScriptError(await sim('run', path), /steps\[0\] must have exactly one of .* \(found press and wait\)/);
    });

    it.concurrent('a ticket file that does not exist', async () => {
      const path = await script('missing.json', { steps: [{ scanFile: 'tickets/nobody.qr' }] });
      expectScriptError(await sim('run', path), /scan file .*nobody\.qr does not exist/);
    });

    it.concurrent('a config document that does not exist', async () => {
      const path = await script('no-trust.json', { config: { trust: 'out/nothing.cbor' }, steps: [{ wait: 1 }] });
      expectScriptError(await sim('run', path), /trust document .*nothing\.cbor does not exist/);
    });

    it.concurrent('a script that is not JSON', async () => {
      const path = join(dir, 'broken.json');
      await writeFile(path, '{\n  "steps": [\n    { "wait": 10 },\n  ]\n}\n');
      expectScriptError(await sim('run', path), /broken\.json is not valid JSON \(unexpected character at line 4, column 3\)$/);
    });

    it.concurrent('a bad value', async () => {
      const path = await script('button.json', { steps: [{ press: 'enter' }] });
      expectScriptError(await sim('run', path), /steps\[0\]: press must be one of "up", "down", "ok", "back", got "enter"/);
    });

    it.concurrent('no script at all', async () => {
      expectScriptError(await sim('run', join(dir, 'absent.json')), /script .*absent\.json does not exist/);
    });
  });
});
