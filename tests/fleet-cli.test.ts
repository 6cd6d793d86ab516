/**
 * The back-office CLI (fleet/). Most cases run the CLI in-process through
 * runCli, which does everything the real entry point does except exit; three
 * run fleet/cli.ts as a child process to check what a shell sees. Every
 * document the CLI writes is opened with the protocol's own readers, and the
 * ticket is put through validate(), so the CLI is tested against what the
 * validators will accept, not against itself.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bytesToHex, decodeTicket, hexToBytes, holderIdMatches, nobleVerifier, openDenyList, openTripList, openTrustList, ticketHash,
  validate, type TripList, type TrustList,
} from '../protocol/index.js';
import { runCli } from '../fleet/run-cli.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'fleet', 'cli.ts');
const EXAMPLES = join(REPO, 'fleet', 'examples');
const HOLDER_NAME = '张三丰';
const HOLDER_ID = '370699199003071234';
/** 2026-12-01 08:10 Beijing time: inside the example ticket's validity, before its 08:30 departure. */
const BOARDING = Date.UTC(2026, 11, 1, 0, 10) / 1000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in-process, with its output captured. */
async function fleet(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(`${t}\n`), err: (t) => err.push(`${t}\n`) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The real CLI in a child process, as a shell would run it. */
async function fleetProcess(...argv: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...argv], {
      cwd: REPO,
      env: { ...process.env, FLEET_DEBUG: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

function expectOk(run: Run): Run {
  expect(run.stderr.includes('internal error') ? run.stderr : '').toBe('');
  expect(run.code, run.stderr).toBe(0);
  return run;
}

/** Exit code and a single stderr line, without a stack trace. */
function expectFailure(run: Run, code: number, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(code);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

async function secretHex(keyFile: string): Promise<string> {
  return (JSON.parse(await readFile(keyFile, 'utf8')) as { d: string }).d;
}

/** True if any 12-digit stretch of the secret appears in the text, in either case. */
function leaks(text: string, d: string): boolean {
  const hay = text.toLowerCase();
  for (let i = 0; i + 12 <= d.length; i += 4) if (hay.includes(d.slice(i, i + 12).toLowerCase())) return true;
  return false;
}

let dir: string;
let keys: string;
let out: string;
let rootPublicKey: Uint8Array;
let idCheckKey: Uint8Array;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleet-cli-'));
  keys = join(dir, 'keys');
  out = join(dir, 'out');
  // The examples as the README uses them: issuers.json names ../keys/issuer.pub.json.
  await mkdir(join(dir, 'examples'));
  for (const f of ['issuers.json', 'trips.json', 'ticket.json']) await copyFile(join(EXAMPLES, f), join(dir, 'examples', f));
  expectOk(await fleet('keygen', '--kind', 'root', '--out', keys));
  expectOk(await fleet('keygen', '--kind', 'issuer', '--out', keys));
  expectOk(await fleet('keygen', '--kind', 'id-check', '--out', keys));
  idCheckKey = hexToBytes((JSON.parse(await readFile(join(keys, 'id-check.key'), 'utf8')) as { k: string }).k);
  rootPublicKey = hexToBytes((JSON.parse(await readFile(join(keys, 'root.pub.json'), 'utf8')) as { publicKey: string }).publicKey);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const header = ['--version', '1', '--operator', 'YTBUS'];
const rootKeys = () => ({ rootKeys: [rootPublicKey] });

async function signedTrust(): Promise<TrustList> {
  const file = join(out, 'trust.cbor');
  await stat(file).catch(async () => expectOk(await fleet('trust', '--root', join(keys, 'root.key'), '--issuers', join(dir, 'examples', 'issuers.json'), ...header, '--out', file)));
  return openTrustList(new Uint8Array(await readFile(file)), rootKeys());
}

async function signedTrips(): Promise<TripList> {
  const file = join(out, 'trips.cbor');
  await stat(file).catch(async () => expectOk(await fleet('trips', '--root', join(keys, 'root.key'), '--trips', join(dir, 'examples', 'trips.json'), ...header, '--out', file)));
  return openTripList(new Uint8Array(await readFile(file)), rootKeys());
}

describe('fleet keygen', () => {
  it('(child process) writes a 0600 key in a 0700 directory and a public key file, and never prints the secret', async () => {
    const target = join(dir, 'new-keys');
    const run = expectOk(await fleetProcess('keygen', '--kind', 'issuer', '--out', target, '--name', 'coach'));
    const keyFile = join(target, 'coach.key');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(target)).mode & 0o777).toBe(0o700);

    const d = await secretHex(keyFile);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(leaks(run.stdout + run.stderr, d)).toBe(false);

    const pub = JSON.parse(await readFile(join(target, 'coach.pub.json'), 'utf8')) as Record<string, unknown>;
    expect(pub).toMatchObject({ kind: 'issuer', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(pub).not.toHaveProperty('d');
    expect(JSON.stringify(pub)).not.toContain(d);
    expect(run.stdout).toContain(`kid ${String(pub.kid)}`);
    expect(run.stdout).toContain(join(target, 'coach.pub.json'));
  });

  it('refuses to overwrite a key unless --force', async () => {
    const keyFile = join(keys, 'root.key');
    const before = await readFile(keyFile, 'utf8');
    expectFailure(await fleet('keygen', '--kind', 'root', '--out', keys), 1, /root\.key already exists; use --force/);
    expect(await readFile(keyFile, 'utf8')).toBe(before);

    const spare = join(dir, 'spare');
    expectOk(await fleet('keygen', '--kind', 'root', '--out', spare));
    const old = await secretHex(join(spare, 'root.key'));
    const run = expectOk(await fleet('keygen', '--kind', 'root', '--out', spare, '--force'));
    const replaced = await secretHex(join(spare, 'root.key'));
    expect(replaced).not.toBe(old);
    expect((await stat(join(spare, 'root.key'))).mode & 0o777).toBe(0o600);
    expect(leaks(run.stdout + run.stderr, replaced)).toBe(false);
  });

  it('rejects a bad --kind as a usage error', async () => {
    const idKeyHex = (JSON.parse(await readFile(join(keys, 'id-check.key'), 'utf8')) as { k: string }).k;
    const again = expectOk(await fleet('keygen', '--kind', 'id-check', '--out', join(dir, 'spare-id'), '--name', 'other'));
    const otherHex = (JSON.parse(await readFile(join(dir, 'spare-id', 'other.key'), 'utf8')) as { k: string }).k;
    expect(otherHex).toMatch(/^[0-9a-f]{64}$/);
    expect(otherHex).not.toBe(idKeyHex);
    expect(again.stdout + again.stderr).not.toContain(otherHex);
    expectFailure(await fleet('keygen', '--kind', 'admin', '--out', keys), 2, /--kind must be root, issuer or id-check/);
  });
});

describe('loading key files', () => {
  it('refuses a key file that group or others can read, without printing it', async () => {
    for (const mode of [0o644, 0o640]) {
      const copy = join(dir, `exposed-${mode.toString(8)}.key`);
      await copyFile(join(keys, 'issuer.key'), copy);
      await chmod(copy, mode);
      const run = await fleet('issue', '--key', copy, '--ticket', join(dir, 'examples', 'ticket.json'));
      expectFailure(run, 1, /readable or writable by group or others .*chmod 600/);
      expect(leaks(run.stderr, await secretHex(copy))).toBe(false);
    }
  });

  it('refuses the wrong kind of key and a damaged key file, without printing it', async () => {
    expectFailure(await fleet('issue', '--key', join(keys, 'root.key'), '--ticket', join(dir, 'examples', 'ticket.json')), 1, /holds a root key; this command needs an issuer key/);

    const d = await secretHex(join(keys, 'issuer.key'));
    const damaged = join(dir, 'damaged.key');
    await writeFile(damaged, `{"kind": "issuer", "alg": "ES256", "d": "${d}" x}`, { mode: 0o600 });
    const run = await fleet('issue', '--key', damaged, '--ticket', join(dir, 'examples', 'ticket.json'));
    expectFailure(run, 1, /not a valid secret key file: not JSON/);
    expect(leaks(run.stderr, d)).toBe(false);
  });
});

describe('signed configuration documents', () => {
  it('trust: the list opens under the root key with both example issuers', async () => {
    const trust = await signedTrust();
    const issuerPub = JSON.parse(await readFile(join(keys, 'issuer.pub.json'), 'utf8')) as { kid: string };
    expect(trust).toMatchObject({ version: 1, operator: 'YTBUS' });
    expect([...trust.issuers.keys()]).toContain(issuerPub.kid);
    expect([...trust.issuers.values()].map((i) => i.name)).toEqual(['烟台汽车总站', '铁路联程 (12306)']);
    const bus = trust.issuers.get(issuerPub.kid);
    expect(bus).toMatchObject({ modes: [0], operators: ['YTBUS'], nbf: Date.UTC(2025, 11, 31, 16) / 1000 });
  });

  it('trust: refuses to publish a version validators would ignore, unless --force', async () => {
    await signedTrust();
    const args = ['trust', '--root', join(keys, 'root.key'), '--issuers', join(dir, 'examples', 'issuers.json'), '--operator', 'YTBUS', '--out', join(out, 'trust-v.cbor')];
    expectOk(await fleet(...args, '--version', '5'));
    expectFailure(await fleet(...args, '--version', '4'), 1, /already holds trust list version 5/);
    expectOk(await fleet(...args, '--version', '6'));
    expectOk(await fleet(...args, '--version', '2', '--force'));
  });

  it('trust: refuses the root key as an issuer', async () => {
    const issuers = join(dir, 'root-as-issuer.json');
    await writeFile(issuers, JSON.stringify([{ name: 'x', pub: 'keys/root.pub.json', modes: ['road'], operators: ['YTBUS'], nbf: 0, exp: 2_000_000_000 }]));
    expectFailure(await fleet('trust', '--root', join(keys, 'root.key'), '--issuers', issuers, ...header, '--out', join(out, 'bad.cbor')), 1, /is a root key/);
  });

  it('trips: the list opens under the root key; ISO, YYYYMMDD and epoch inputs agree', async () => {
    const { trips } = await signedTrips();
    expect(trips.map((t) => t.id)).toEqual(['K101-0830', 'K101-1030', 'K205-0900']);
    expect(trips[0]).toMatchObject({ line: 'K101', serviceDate: 20261201, departure: Date.UTC(2026, 11, 1, 0, 30) / 1000, stops: ['YT01', 'FS02', 'PL03', 'LK04'], expected: 42 });
    expect(trips[2]).toMatchObject({ serviceDate: 20261201, departure: Date.UTC(2026, 11, 1, 1, 0) / 1000 });
  });

  it('deny: by ticket id or by hash, the list opens under the root key and holds the hashes', async () => {
    const ids = ['0f1e2d3c4b5a6978', 'a1b2c3d4e5f6071800112233'];
    const idFile = join(dir, 'revoked.txt');
    await writeFile(idFile, `# revoked\n${ids[0]}   # refund\n\n${ids[1].toUpperCase()}\n`);
    expectOk(await fleet('deny', '--root', join(keys, 'root.key'), ...header, '--ticket-ids', idFile, '--out', join(out, 'deny.cbor')));
    const list = openDenyList(new Uint8Array(await readFile(join(out, 'deny.cbor'))), rootKeys());
    expect(list.size).toBe(2);
    for (const id of ids) expect(list.has(ticketHash(hexToBytes(id)))).toBe(true);

    const hashFile = join(dir, 'hashes.txt');
    await writeFile(hashFile, ids.map((id) => bytesToHex(ticketHash(hexToBytes(id)))).join('\n'));
    expectOk(await fleet('deny', '--root', join(keys, 'root.key'), ...header, '--hashes', hashFile, '--out', join(out, 'deny-h.cbor')));
    expect(openDenyList(new Uint8Array(await readFile(join(out, 'deny-h.cbor'))), rootKeys()).entries).toEqual(list.entries);
  });

  it('deny: needs exactly one source (usage error) and well-formed lines (input error)', async () => {
    expectFailure(await fleet('deny', '--root', join(keys, 'root.key'), ...header, '--out', join(out, 'd.cbor')), 2, /exactly one of --ticket-ids and --hashes/);
    const bad = join(dir, 'bad-hashes.txt');
    await writeFile(bad, '0011223344556677\n00112233\n');
    expectFailure(await fleet('deny', '--root', join(keys, 'root.key'), ...header, '--hashes', bad, '--out', join(out, 'd.cbor')), 1, /bad-hashes\.txt:2: a ticket hash must be 8 bytes/);
  });

  it('refuses an issuer key where the root key is needed', async () => {
    expectFailure(
      await fleet('trips', '--root', join(keys, 'issuer.key'), '--trips', join(dir, 'examples', 'trips.json'), ...header, '--out', join(out, 't.cbor')),
      1,
      /holds an issuer key; this command needs the root key/,
    );
  });
});

describe('fleet issue', () => {
  it('(child process) prints a QR text that validates as ACCEPTED, writes a PNG, and never prints the full name or ID', async () => {
    const [trust, { trips }] = await Promise.all([signedTrust(), signedTrips()]);
    const png = join(out, 'ticket.png');
    const run = expectOk(await fleetProcess('issue', '--key', join(keys, 'issuer.key'), '--id-key', join(keys, 'id-check.key'), '--ticket', join(dir, 'examples', 'ticket.json'), '--png', png));

    const lines = run.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const qrText = lines[0];
    expect(qrText).toMatch(/^TK1:[0-9A-Z $%*+\-./:]+$/);
    expect(run.stderr).toContain(`QR text length ${qrText.length}`);

    const trip = trips.find((t) => t.id === 'K101-0830');
    const result = validate(qrText, { operator: 'YTBUS', trust, trip, now: BOARDING, verifier: nobleVerifier });
    expect(result.reason).toBe('ACCEPTED');
    expect(result.summary).toMatchObject({ holderName: '张*丰', holderId: '3706**********1234', seat: '12A' });

    const { claims } = decodeTicket(qrText);
    expect(holderIdMatches(claims.transit.holderIdHash as Uint8Array, HOLDER_ID, [idCheckKey])).toBe(true);
    // Without the operator's key nobody can test a guess of the ID number against the ticket.
    expect(holderIdMatches(claims.transit.holderIdHash as Uint8Array, HOLDER_ID, [])).toBe(false);
    expect(claims.transit.holderName).toBe('张*丰');

    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.toContain(HOLDER_NAME);
      expect(text).not.toContain(HOLDER_ID);
      expect(text).not.toContain(HOLDER_ID.slice(4, 14)); // the hidden middle
    }

    const image = await readFile(png);
    expect([...image.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // A real QR reader (zbar, as a phone or scanner would) reads back exactly the QR text.
    const scan = spawnSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' });
    expect(scan.error, 'zbarimg (Debian zbar-tools) must be installed: .ci/run installs it').toBeUndefined();
    expect(scan.stdout.trim()).toBe(qrText);
  });

  it('refuses to issue a ticket with an ID number without the ID-check key, and keeps that key owner-only', async () => {
    const run = await fleet('issue', '--key', join(keys, 'issuer.key'), '--ticket', join(dir, 'examples', 'ticket.json'));
    expectFailure(run, 1, /needs the operator's ID-check key \(--id-key/);
    expect((await stat(join(keys, 'id-check.key'))).mode & 0o777).toBe(0o600);
    expect(await stat(join(keys, 'id-check.pub.json')).catch(() => 'absent')).toBe('absent');
    expectFailure(await fleet('issue', '--key', join(keys, 'issuer.key'), '--id-key', join(keys, 'issuer.key'), '--ticket', join(dir, 'examples', 'ticket.json')), 1, /not a valid ID-check key file/);
  });

  it('a ticket revoked with its printed cti is REVOKED; --cti and a fresh salt per ticket', async () => {
    const trust = await signedTrust();
    const cti = '00112233445566778899';
    const args = ['issue', '--key', join(keys, 'issuer.key'), '--id-key', join(keys, 'id-check.key'), '--ticket', join(dir, 'examples', 'ticket.json'), '--cti', cti];
    const first = expectOk(await fleet(...args));
    const second = expectOk(await fleet(...args));
    expect(first.stderr).toContain(`cti ${cti}`);
    const [a, b] = [first.stdout.trim(), second.stdout.trim()];
    const holderHash = (qr: string) => bytesToHex(decodeTicket(qr).claims.transit.holderIdHash as Uint8Array);
    expect(holderHash(a)).not.toBe(holderHash(b));

    const ids = join(dir, 'revoke-one.txt');
    await writeFile(ids, `${cti}\n`);
    expectOk(await fleet('deny', '--root', join(keys, 'root.key'), '--version', '2', '--operator', 'YTBUS', '--ticket-ids', ids, '--out', join(out, 'deny-one.cbor')));
    const deny = openDenyList(new Uint8Array(await readFile(join(out, 'deny-one.cbor'))), rootKeys());
    expect(validate(a, { operator: 'YTBUS', trust, deny, now: BOARDING, verifier: nobleVerifier }).reason).toBe('REVOKED');
  });

  it('(child process) bad ticket JSON: exit 1, one line, no stack trace, no personal data echoed', async () => {
    const bad = join(dir, 'bad-ticket.json');
    await writeFile(bad, `{\n  "operator": "YTBUS",\n  "holder": { "name": "${HOLDER_NAME}", "idNumber": ${HOLDER_ID}X }\n}\n`);
    const run = await fleetProcess('issue', '--key', join(keys, 'issuer.key'), '--id-key', join(keys, 'id-check.key'), '--ticket', bad);
    expectFailure(run, 1, /bad-ticket\.json is not valid JSON \(.*line 3/);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toContain(HOLDER_NAME);
    expect(run.stderr).not.toContain(HOLDER_ID.slice(0, 10));
  });

  it.each([
    [{ fare: 36.5 }, /fare must be an integer .*minor units/],
    [{ ticketNo: 370600010020261201 }, /ticketNo must be a string/],
    [{ product: 'vip' }, /product must be one of adult, child/],
    [{ departure: '2026-12-01T08:30:00' }, /departure must be epoch seconds or an ISO date-time with offset/],
    [{ serviceDate: '2026-02-30' }, /serviceDate must be a real date/],
    [{ destinaton: 'PL03' }, /unknown field "destinaton"/],
    [{ holder: { name: HOLDER_NAME, idNumber: 370699199003071234 } }, /holder: idNumber must be a string/],
    [{ line: 'K'.repeat(40) }, /line must be at most 32 characters/],
    [{ exp: undefined }, /exp is missing/],
  ])('rejects ticket JSON with %j', async (change, message) => {
    const ticket = { ...(JSON.parse(await readFile(join(EXAMPLES, 'ticket.json'), 'utf8')) as object), ...change };
    const file = join(dir, 'changed-ticket.json');
    await writeFile(file, JSON.stringify(ticket));
    const run = await fleet('issue', '--key', join(keys, 'issuer.key'), '--id-key', join(keys, 'id-check.key'), '--ticket', file);
    expectFailure(run, 1, message);
    expect(run.stderr).not.toContain(HOLDER_ID);
  });

  it('reports usage errors with exit code 2', async () => {
    expectFailure(await fleet('issue', '--ticket', join(EXAMPLES, 'ticket.json')), 2, /missing --key/);
    expectFailure(await fleet('issue', '--key', join(keys, 'issuer.key'), '--id-key', join(keys, 'id-check.key'), '--ticket', join(EXAMPLES, 'ticket.json'), '--colour'), 2, /Unknown option '--colour'/);
    expectFailure(await fleet('issue', '--key', join(keys, 'issuer.key'), '--id-key', join(keys, 'id-check.key'), '--ticket', join(EXAMPLES, 'ticket.json'), '--cti', 'abcd'), 2, /--cti must be 8 to 32 bytes/);
    expectFailure(await fleet('frobnicate'), 2, /unknown command "frobnicate"/);
    expect((await fleet()).code).toBe(2);
  });
});

describe('fleet inspect', () => {
  it('summarizes a ticket without verifying, and verifies it against the trust list', async () => {
    await signedTrust();
    const qrText = expectOk(await fleet('issue', '--key', join(keys, 'issuer.key'), '--id-key', join(keys, 'id-check.key'), '--ticket', join(dir, 'examples', 'ticket.json'))).stdout.trim();

    const plain = expectOk(await fleet('inspect', qrText));
    const summary = JSON.parse(plain.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ kind: 'ticket', verified: false, ticketNo: '370600010020261201', product: 'adult (全票)', holder: { name: '张*丰', id: '3706**********1234', idHash: 'present' } });
    expect(plain.stdout).not.toContain(HOLDER_ID);

    const file = join(dir, 'ticket.txt');
    await writeFile(file, `${qrText}\n`);
    const checked = expectOk(await fleet('inspect', file, '--root', join(keys, 'root.pub.json'), '--trust', join(out, 'trust.cbor'), '--now', '2026-12-01T08:10:00+08:00'));
    expect(JSON.parse(checked.stdout)).toMatchObject({ verified: true, verification: { issuer: '烟台汽车总站', signature: 'valid', reason: 'ACCEPTED' } });
  });

  it('summarizes and verifies a signed document; a wrong root key fails', async () => {
    await signedTrips();
    const doc = join(out, 'trips.cbor');
    expect(JSON.parse(expectOk(await fleet('inspect', doc)).stdout)).toMatchObject({ kind: 'trips document', verified: false, version: 1, operator: 'YTBUS' });
    expect(JSON.parse(expectOk(await fleet('inspect', doc, '--root', join(keys, 'root.pub.json'))).stdout)).toMatchObject({ verified: true, trips: [{ id: 'K101-0830' }, {}, {}] });
    expectFailure(await fleet('inspect', doc, '--root', join(keys, 'issuer.pub.json')), 1, /UNKNOWN_KEY/);
    expectFailure(await fleet('inspect', doc, '--root', join(keys, 'root.key')), 1, /is a secret key file/);
  });

  it('says clearly what it cannot read', async () => {
    expectFailure(await fleet('inspect', 'TK2:ABC'), 1, /UNSUPPORTED_VERSION/);
    expectFailure(await fleet('inspect', join(dir, 'no-such-file')), 1, /neither a file nor a ticket QR text/);
    expectFailure(await fleet('inspect', join(keys, 'root.pub.json')), 1, /MALFORMED/);
    expectFailure(await fleet('inspect', 'x', '--trust', join(out, 'trust.cbor')), 2, /--trust needs --root/);
  });
});

describe('help', () => {
  it('has help for the CLI and every command', async () => {
    const main = expectOk(await fleet('--help'));
    for (const name of ['keygen', 'trust', 'deny', 'trips', 'issue', 'inspect']) {
      expect(main.stdout).toContain(name);
      expect(expectOk(await fleet(name, '--help')).stdout).toMatch(new RegExp(`^Usage: fleet ${name} `));
    }
  });
});
