/**
 * `fleet publish` against a real Mosquitto: the document's bytes land on the
 * retained topic its signed type names, for the operator or one validator;
 * an older or equal version over a retained one is refused without --force;
 * files that are not a publishable document are refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDenyDelta, signDenyList, signTripList } from '../../protocol/index.js';
import { runCli } from '../../fleet/run-cli.js';
import { NOW, OPERATOR, TRIP, issue, makeTrust, root } from '../protocol/fixtures.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/free-port.js';

let broker: Mosquitto;
let dir: string;

beforeAll(async () => {
  broker = await startMosquitto();
  dir = mkdtempSync(join(tmpdir(), 'tk-publish-'));
});

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fleet(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(`${t}\n`), err: (t) => err.push(`${t}\n`) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** What a validator connecting now would get on `topic`: the retained message, if any. */
async function retained(topic: string): Promise<{ bytes: Uint8Array; retain: boolean } | undefined> {
  const client = await connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
  try {
    let got: { bytes: Uint8Array; retain: boolean } | undefined;
    client.on('message', (t, payload, packet) => {
      if (t === topic) got = { bytes: new Uint8Array(payload), retain: packet.retain };
    });
    await client.subscribeAsync(topic, { qos: 1 });
    // A second SUBACK comes after the first subscription's retained message.
    await client.subscribeAsync('barrier/for/retained', { qos: 1 });
    return got;
  } finally {
    await client.endAsync(true);
  }
}

/** The encoder's output carries extra properties; compare bytes only. */
const plain = (bytes: Uint8Array) => new Uint8Array(bytes);

const header = (version: number) => ({ version, issuedAt: NOW, operator: OPERATOR });

describe('fleet publish', () => {
  it('publishes a trust list retained on the operator topic, byte for byte', async () => {
    const doc = makeTrust(3).bytes;
    const run = await fleet('publish', '--broker', broker.url, '--operator', OPERATOR, '--file', file('trust.cbor', doc));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`published trust version 3 for ${OPERATOR} (${doc.length} bytes) -> tk/v1/${OPERATOR}/cfg/trust\n`);
    const got = await retained(`tk/v1/${OPERATOR}/cfg/trust`);
    expect(got?.retain).toBe(true);
    expect(got?.bytes).toEqual(plain(doc));
  });

  it('publishes for one validator, and picks the topic from the document type', async () => {
    const deny = signDenyList(header(5), [new Uint8Array(8).fill(1)], root);
    const trips = signTripList(header(2), [TRIP], root);
    expect((await fleet('publish', '--broker', broker.url, '--operator', OPERATOR, '--validator', 'V-0042', '--file', file('deny.cbor', deny))).code).toBe(0);
    expect((await fleet('publish', '--broker', broker.url, '--operator', OPERATOR, '--file', file('trips.cbor', trips))).code).toBe(0);
    expect((await retained(`tk/v1/${OPERATOR}/V-0042/cfg/deny`))?.bytes).toEqual(plain(deny));
    expect((await retained(`tk/v1/${OPERATOR}/cfg/trips`))?.bytes).toEqual(plain(trips));
    expect(await retained(`tk/v1/${OPERATOR}/cfg/deny`)).toBeUndefined();
  });

  it('refuses to replace a retained document with one not newer, unless forced', async () => {
    const topic = `tk/v1/${OPERATOR}/V-7/cfg/trust`;
    const v4 = file('trust4.cbor', makeTrust(4).bytes);
    const v2 = file('trust2.cbor', makeTrust(2).bytes);
    const args = ['publish', '--broker', broker.url, '--operator', OPERATOR, '--validator', 'V-7', '--file'];
    expect((await fleet(...args, v4)).code).toBe(0);
    const same = await fleet(...args, v4);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/already holds trust version 4; validators ignore a version that is not newer \(sign version 5, or --force\)/);
    expect((await fleet(...args, v2)).code).toBe(1);
    expect((await retained(topic))?.bytes).toEqual(plain(makeTrust(4).bytes));
    expect((await fleet(...args, v2, '--force')).code).toBe(0);
    expect((await retained(topic))?.bytes).toEqual(plain(makeTrust(2).bytes));
  });

  it('refuses what is not a publishable document for this operator', async () => {
    const base = ['publish', '--broker', broker.url, '--operator', OPERATOR, '--file'];
    const cases: [string, Uint8Array, RegExp][] = [
      ['garbage.cbor', new Uint8Array([1, 2, 3, 4]), /is not a signed configuration document/],
      ['ticket.cose', issue().cose, /is not a signed configuration document/],
      ['delta.cbor', signDenyDelta(header(6), 5, { add: [new Uint8Array(8)] }, root), /deny list delta; a retained topic must hold a full list/],
    ];
    for (const [name, bytes, message] of cases) {
      const run = await fleet(...base, file(name, bytes));
      expect(run.code, name).toBe(1);
      expect(run.stderr).toMatch(message);
    }
    const other = await fleet('publish', '--broker', broker.url, '--operator', 'OTHER', '--file', file('t.cbor', makeTrust(1).bytes));
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(new RegExp(`is for operator ${OPERATOR}, not OTHER`));
    expect((await fleet(...base, join(dir, 'missing.cbor'))).stderr).toMatch(/does not exist/);
  });

  it('says so when the broker is not there, and checks its options', async () => {
    const port = await freePort();
    const down = await fleet('publish', '--broker', `mqtt://127.0.0.1:${port}`, '--operator', OPERATOR, '--file', file('t1.cbor', makeTrust(1).bytes));
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the broker/);
    expect((await fleet('publish', '--operator', OPERATOR, '--file', 'x')).code).toBe(2);
    expect((await fleet('publish', '--broker', 'localhost:1883', '--operator', OPERATOR, '--file', 'x')).code).toBe(2);
    expect((await fleet('publish', '--broker', broker.url, '--operator', 'a/b', '--file', 'x')).code).toBe(2);
    expect((await fleet('publish', '--broker', broker.url, '--operator', OPERATOR, '--validator', 'ops', '--file', 'x')).code).toBe(2);
  });
});
