/**
 * The XS harness itself (simulator/xs/): values, errors and calls cross
 * between Node and the real engine intact; the engine has no globals a
 * device build lacks; a module that needs Node or such a global is caught;
 * a crash inside XS is a readable error; closed workers are gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForXs } from '../../simulator/xs/bundle.js';
import { decodeWire, encodeWire } from '../../simulator/xs/wire.js';
import { XsError, XsWorker, XsnapError } from '../../simulator/xs/worker.js';

const harness = () => bundleForXs('tests/xs/entries/harness.ts').code;

const XSNAP_EXTRAS = ['print', 'issueCommand', 'performance', 'TextEncoder', 'TextDecoder', 'Base64', 'harden', 'setImmediate', 'gc'];

describe('XsWorker', () => {
  let worker: XsWorker;
  const hostCalls: Array<[string, unknown[]]> = [];
  beforeAll(() => {
    worker = new XsWorker({
      name: 'xs-harness',
      onHostCall(op, args) {
        hostCalls.push([op, args]);
        if (op === 'double') return (args[0] as number) * 2;
        if (op === 'reenter') return worker.call('echo', 1);
        throw new RangeError(`host cannot ${op}`);
      },
    });
    worker.evaluate(harness());
  });
  afterAll(() => worker?.close());

  const values = [
    undefined, null, true, 0, -0, 1.5, NaN, -Infinity, 2n ** 70n, '', '票 ✓ 😀 \u0000 "quoted"',
    new Uint8Array([0, 1, 254, 255]), new Uint8Array(0), Uint8Array.of(9, 8, 7).buffer, new Int16Array([-2, 3]), new DataView(new ArrayBuffer(3)),
    [1, [2, [3]], { a: undefined }], { $: 'not a tag', nested: { $: 1 } }, Object.create(null) as object,
  ];

  it('carries data both ways unchanged', () => {
    expect(decodeWire(encodeWire(values))).toEqual(values);
    expect(worker.call('echo', ...values)).toEqual(values);
    const bytes = new Uint8Array(300_000).map((_, i) => i * 7);
    const [back] = worker.call('echo', bytes) as [Uint8Array];
    expect(back).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back).equals(bytes)).toBe(true);
  });

  it('refuses what is not data', () => {
    expect(() => encodeWire({ f: () => 1 })).toThrow(/value\.f: a function is not data/);
    expect(() => encodeWire(new Map())).toThrow(/Map instance is not data/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encodeWire(cycle)).toThrow(/cycle/);
  });

  it('answers XS calls to the host synchronously, while XS waits', () => {
    expect(worker.call('askHost', 'double', 21)).toEqual({ value: 42 });
    expect(hostCalls.at(-1)).toEqual(['double', [21]]);
  });

  it('rethrows errors on the other side with their name, message and the far stack', () => {
    expect(worker.call('askHost', 'fly')).toEqual({ threw: 'RangeError', message: 'host cannot fly', isRangeError: true });
    let thrown: unknown;
    try {
      worker.call('fail', 'no such ticket');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(XsError);
    expect(thrown).toMatchObject({ name: 'RangeError', message: 'no such ticket' });
    expect((thrown as XsError).xsStack).toMatch(/fail/);
    expect(() => worker.call('no-such-op')).toThrow(/serves no operation "no-such-op"/);
  });

  it('refuses a call into XS while XS waits for the host, and stays usable', () => {
    const answer = worker.call('askHost', 'reenter') as { threw: string; message: string };
    expect(answer.threw).toBe('XsnapError');
    expect(answer.message).toMatch(/while XS waits for the host's answer/);
    expect(worker.call('echo', 'still here')).toEqual(['still here']);
  });

  it('reports an uncaught exception in a script with XS\'s message', () => {
    expect(() => worker.evaluate('undefinedThing.x')).toThrow(/uncaught exception in XS: ReferenceError: .*undefinedThing/);
    expect(worker.call('echo', 'after')).toEqual(['after']);
  });

  it('has none of the globals xsnap adds for its own hosts, unless asked to keep them', () => {
    expect(worker.call('typeOfGlobals', XSNAP_EXTRAS)).toEqual(XSNAP_EXTRAS.map(() => 'undefined'));
    const keeping = new XsWorker({ name: 'xs-keeping', xsnapGlobals: true });
    try {
      keeping.evaluate(harness());
      expect(keeping.call('typeOfGlobals', ['TextEncoder', 'performance', 'print'])).toEqual(['function', 'object', 'function']);
    } finally {
      keeping.close();
    }
  });

  it('catches a module that needs a global the device lacks, or a Node built-in', () => {
    expect(() => worker.evaluate(bundleForXs('tests/xs/fixtures/uses-text-encoder.ts', { globalName: 'm' }).code)).toThrow(/TextEncoder/);
    expect(() => bundleForXs('tests/xs/fixtures/imports-node.ts', { globalName: 'm' })).toThrow(/Could not resolve "node:fs"/);
  });
});

describe('XS failures', () => {
  it('a stack overflow ends the worker with a readable error', async () => {
    const w = new XsWorker({ name: 'xs-overflow' });
    try {
      w.evaluate(harness());
      let thrown: unknown;
      try {
        w.call('recurse');
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(XsnapError);
      expect((thrown as Error).message).toMatch(/xs-overflow: the XS worker exited: exit status 12 \(stack overflow\)/);
      expect(() => w.call('echo')).toThrow(/closed/);
    } finally {
      w.close();
    }
    await w.exited;
  });

  it('a runaway loop ends with "too much computation" under a compute limit instead of hanging', async () => {
    const w = new XsWorker({ name: 'xs-spin', computeLimit: 10_000_000 });
    try {
      w.evaluate(harness());
      expect(() => w.call('spin')).toThrow(/too much computation/);
    } finally {
      w.close();
    }
    await w.exited;
  });

  it('close() is idempotent and the process is gone', async () => {
    const w = new XsWorker({ name: 'xs-close' });
    w.close();
    w.close();
    expect(w.closed).toBe(true);
    expect(() => w.call('echo')).toThrow(/closed/);
    await w.exited;
  });
});
