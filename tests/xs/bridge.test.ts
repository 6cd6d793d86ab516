/**
 * The I/O bridge with the simulator's real models: firmware-style code in
 * XS uses Digital, Serial, PWM, timers and flash as ECMA-419 classes and
 * objects, and every call, callback, static and buffer reaches the models on
 * Node and comes back as the firmware expects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VALIDATOR_BOARD_V1 } from '../../firmware/board/board.js';
import { FlashChip } from '../../simulator/host/flash.js';
import { HostLoop } from '../../simulator/host/loop.js';
import { createHostDevice, type HostDevice } from '../../simulator/host/provider.js';
import { loopTimers } from '../../simulator/platform/sim-timers.js';
import { HostBridge } from '../../simulator/xs/bridge/host-bridge.js';
import { TIMERS } from '../../simulator/xs/bridge/spec.js';
import { bundleForXs } from '../../simulator/xs/bundle.js';
import { XsWorker } from '../../simulator/xs/worker.js';

const board = VALIDATOR_BOARD_V1;

describe('the I/O bridge', () => {
  let loop: HostLoop;
  let chip: FlashChip;
  let host: HostDevice;
  let worker: XsWorker;
  let bridge: HostBridge;
  const seen = () => worker.call('seen') as string[];

  beforeAll(() => {
    loop = new HostLoop();
    chip = new FlashChip({ partitions: { boardings: { size: 64 * 1024 } } });
    host = createHostDevice({ loop, board, flash: chip });
    worker = new XsWorker({ name: 'xs-bridge', onHostCall: (op, args) => bridge.handle(op, args) });
    bridge = new HostBridge({ callGuest: (op, ...args) => worker.call(op, ...args) });
    worker.evaluate(bundleForXs('tests/xs/entries/bridge.ts').code);
  });
  afterAll(() => worker?.close());

  it('gives XS proxy classes with the host classes\' names and statics, and the pins as data', () => {
    const attached = worker.call('attach', { device: bridge.exportDevice(host.device), timers: bridge.exportObject(TIMERS, loopTimers(loop)) });
    const { Digital } = host.device.io;
    expect(attached).toEqual({
      names: ['Digital', 'Serial', 'PWM'],
      input: Digital.InputPullUp,
      output: Digital.Output,
      falling: Digital.Falling,
      pins: { ...host.device.pin },
    });
  });

  it('delivers a button\'s edges into XS as onReadable, with `this` the instance', () => {
    expect(worker.call('watchButton', board.buttons.ok)).toBe(1);
    host.pins.press(board.buttons.ok, { holdMs: 50 });
    loop.runFor(100);
    expect(seen()).toEqual(['edge 0 true', 'edge 1 true']);
  });

  it('reads the UART FIFO from XS when bytes arrive, and what XS writes goes out on the wire', () => {
    const port = host.uarts.get(board.scanner.port)!;
    const sent: number[] = [];
    port.onTransmit = (bytes) => sent.push(...bytes);
    expect(worker.call('listen', board.scanner.port, board.scanner.receive, board.scanner.transmit, board.scanner.baud)).toBe('number');
    port.send(new TextEncoder().encode('TK1:AB'), board.scanner.baud);
    loop.runFor(50);
    expect(seen()).toEqual(['read 6 544b313a4142 true']);
    expect(sent).toEqual([0x06]);
  });

  it('throws the host model\'s error in XS with its type and message', () => {
    expect(worker.call('buzz', board.buzzer.pin, 128)).toEqual({ resolution: 8, hz: 2700 });
    expect(host.pins.duty(board.buzzer.pin)).toBeCloseTo(128 / 255);
    expect(worker.call('buzz', 5, 256)).toEqual({ threw: 'RangeError', isRangeError: true, message: 'PWM: value must be an integer 0..255, got 256' });
  });

  it('runs an XS function given to the host as a timer callback, and an opaque id cancels it', () => {
    worker.call('later', 30, false);
    worker.call('later', 20, true);
    loop.runFor(100);
    expect(seen()).toEqual(['timer 30']);
  });

  it('opens, erases, writes and reads flash, filling the buffer XS passes', () => {
    expect(worker.call('flash', 'boardings')).toEqual({
      status: { size: 64 * 1024, blockLength: 4096, blocks: 16 },
      whole: 'ffff01020304',
      into: '0000ff01020304ff0000',
      n: 6,
    });
    const raw = chip.snapshot('boardings');
    expect(Array.from(raw.subarray(8, 16))).toEqual([0xff, 0xff, 1, 2, 3, 4, 0xff, 0xff]);
    expect(raw[4096]).toBe(0xf0);
  });

  it('closes the host instances when XS closes its proxies', () => {
    worker.call('closeAll');
    expect(host.pins.inUse(board.buttons.ok)).toBeUndefined();
    expect(host.pins.inUse(board.buzzer.pin)).toBeUndefined();
    expect(host.uarts.get(board.scanner.port)!.isOpen).toBe(false);
  });
});
