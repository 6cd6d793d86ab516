import { describe, expect, it } from 'vitest';
import type { Digital, DigitalConstructor } from '../../firmware/types/ecma419.js';
import { DigitalEdge, DigitalMode, PinBank, digitalClass } from '../../simulator/host/digital.js';
import { HostLoop } from '../../simulator/host/loop.js';

function board(): { loop: HostLoop; pins: PinBank; Digital: DigitalConstructor } {
  const loop = new HostLoop();
  const pins = new PinBank(loop);
  return { loop, pins, Digital: digitalClass(loop, pins) };
}

describe('Digital constants', () => {
  it("match Moddable's embedded:io/digital", () => {
    const { Digital } = board();
    expect([Digital.Input, Digital.InputPullUp, Digital.InputPullDown, Digital.InputPullUpDown]).toEqual([0, 1, 2, 3]);
    expect([Digital.Output, Digital.OutputOpenDrain, Digital.Rising, Digital.Falling]).toEqual([8, 9, 1, 2]);
    expect(Object.isFrozen(DigitalMode) && Object.isFrozen(DigitalEdge)).toBe(true);
  });
});

describe('Digital outputs', () => {
  it('records every change with the simulated time', () => {
    const { loop, pins, Digital } = board();
    const led = new Digital({ pin: 25, mode: Digital.Output });
    expect(led.format).toBe('number');
    expect(pins.value(25)).toBeUndefined(); // nothing before the first write
    led.write(1);
    loop.runFor(150);
    led.write(1); // no change: not recorded
    led.write(0);
    loop.runFor(50);
    led.write(1);
    expect(pins.changes(25)).toEqual([
      { pin: 25, value: 1, at: 0 },
      { pin: 25, value: 0, at: 150 },
      { pin: 25, value: 1, at: 200 },
    ]);
    expect(pins.value(25)).toBe(1);
    pins.clearHistory();
    expect(pins.history).toEqual([]);
    expect(pins.value(25)).toBe(1);
  });

  it('keeps one history for the board, ordered by time', () => {
    const { loop, pins, Digital } = board();
    const green = new Digital({ pin: 25, mode: Digital.Output });
    const red = new Digital({ pin: 26, mode: Digital.Output });
    green.write(1);
    loop.runFor(10);
    red.write(1);
    expect(pins.history.map((c) => [c.pin, c.at])).toEqual([
      [25, 0],
      [26, 10],
    ]);
    expect(pins.changes(26)).toEqual([{ pin: 26, value: 1, at: 10 }]);
  });

  it('tells other simulated hardware about output changes', () => {
    const { loop, pins, Digital } = board();
    const seen: Array<[number, number]> = [];
    const stop = pins.onOutput(4, (value, at) => seen.push([value, at]));
    const trigger = new Digital({ pin: 4, mode: Digital.Output });
    trigger.write(1);
    loop.runFor(20);
    trigger.write(0);
    stop();
    trigger.write(1);
    expect(seen).toEqual([
      [1, 0],
      [0, 20],
    ]);
  });

  it('open drain: 1 releases the line to the pull-up or whatever drives it', () => {
    const { pins, Digital } = board();
    const line = new Digital({ pin: 5, mode: Digital.OutputOpenDrain });
    line.write(0);
    expect(pins.value(5)).toBe(0);
    line.write(1);
    expect(pins.value(5)).toBe(1);
    pins.drive(5, 0);
    expect(pins.value(5)).toBe(0);
  });
});

describe('Digital inputs', () => {
  it('pull-ups read 1 and pull-downs 0 when undriven; a drive overrides', () => {
    const { pins, Digital } = board();
    const up = new Digital({ pin: 13, mode: Digital.InputPullUp });
    const down = new Digital({ pin: 14, mode: Digital.InputPullDown });
    const floating = new Digital({ pin: 15, mode: Digital.Input });
    expect([up.read(), down.read(), floating.read()]).toEqual([1, 0, 0]);
    pins.drive(13, 0);
    pins.drive(14, 1);
    pins.drive(15, 1);
    expect([up.read(), down.read(), floating.read()]).toEqual([0, 1, 1]);
    pins.drive(13, undefined);
    expect(up.read()).toBe(1);
  });

  it('a button with pull-up and falling edge calls onReadable once per press', () => {
    const { loop, pins, Digital } = board();
    const calls: Array<{ at: number; level: number; self: unknown }> = [];
    const ok: Digital = new Digital({
      pin: 13,
      mode: Digital.InputPullUp,
      edge: Digital.Falling,
      onReadable(this: Digital) {
        calls.push({ at: loop.now(), level: this.read(), self: this });
      },
    });
    pins.press(13, { activeLow: true, holdMs: 80 });
    expect(calls).toEqual([]); // a task: runs when the loop does
    loop.runFor(100);
    expect(calls).toEqual([{ at: 0, level: 0, self: ok }]);
    expect(ok.read()).toBe(1); // released after 80 ms

    loop.at(500, () => pins.press(13));
    loop.runFor(1000);
    expect(calls.map((c) => c.at)).toEqual([0, 500]);
  });

  it('edges: rising, falling, both; no call when the level does not change', () => {
    const { loop, pins, Digital } = board();
    const rising: number[] = [];
    const both: number[] = [];
    new Digital({ pin: 1, mode: Digital.InputPullDown, edge: Digital.Rising, onReadable: () => rising.push(loop.now()) });
    new Digital({ pin: 2, mode: Digital.InputPullDown, edge: Digital.Rising | Digital.Falling, onReadable: () => both.push(loop.now()) });
    for (const pin of [1, 2]) {
      pins.drive(pin, 0); // already 0 (pull-down): no edge
      loop.at(10, () => pins.drive(pin, 1));
      loop.at(20, () => pins.drive(pin, 1));
      loop.at(30, () => pins.drive(pin, 0));
      loop.at(40, () => pins.drive(pin, undefined)); // still 0
    }
    loop.runUntilIdle();
    expect(rising).toEqual([10]);
    expect(both).toEqual([10, 30]);
  });

  it('an active-high press on a pull-down input', () => {
    const { loop, pins, Digital } = board();
    let count = 0;
    new Digital({ pin: 3, mode: Digital.InputPullDown, edge: Digital.Rising, onReadable: () => count++ });
    pins.press(3, { activeLow: false, holdMs: 5 });
    loop.runFor(10);
    expect(count).toBe(1);
    expect(pins.value(3)).toBe(0);
  });

  it('does not call back after close, even for an edge already queued; the pin is reusable', () => {
    const { loop, pins, Digital } = board();
    let count = 0;
    const button = new Digital({ pin: 13, mode: Digital.InputPullUp, edge: Digital.Falling, onReadable: () => count++ });
    pins.drive(13, 0); // queued
    button.close();
    button.close(); // idempotent
    loop.runFor(10);
    pins.drive(13, 1);
    pins.drive(13, 0);
    loop.runFor(10);
    expect(count).toBe(0);

    const again = new Digital({ pin: 13, mode: Digital.Output });
    again.write(1);
    again.close();
    expect(pins.inUse(13)).toBeUndefined();
  });

  it('copies the options at construction', () => {
    const { loop, pins, Digital } = board();
    const calls: string[] = [];
    const options = { pin: 13, mode: Digital.InputPullUp as number, edge: Digital.Falling, onReadable: () => calls.push('first') };
    new Digital(options);
    options.pin = 14;
    options.onReadable = () => calls.push('second');
    pins.drive(13, 0);
    loop.runFor(1);
    expect(calls).toEqual(['first']);
  });
});

describe('Digital errors', () => {
  it('rejects bad options with clear errors', () => {
    const { Digital } = board();
    expect(() => new Digital({ mode: Digital.Output } as never)).toThrow(TypeError);
    expect(() => new Digital({ mode: Digital.Output } as never)).toThrow(/pin required/);
    expect(() => new Digital({ pin: -1, mode: Digital.Output })).toThrow(RangeError);
    expect(() => new Digital({ pin: 1.5, mode: Digital.Output })).toThrow(RangeError);
    expect(() => new Digital({ pin: 2 } as never)).toThrow(/mode required/);
    expect(() => new Digital({ pin: 2, mode: 7 })).toThrow(RangeError);
    expect(() => new Digital({ pin: 2, mode: 7 })).toThrow(/unknown mode 7/);
    expect(() => new Digital({ pin: 2, mode: Digital.Input, onReadable() {} })).toThrow(/edge required/);
    expect(() => new Digital({ pin: 2, mode: Digital.Input, edge: 4, onReadable() {} })).toThrow(RangeError);
    expect(() => new Digital({ pin: 2, mode: Digital.Output, edge: Digital.Rising, onReadable() {} })).toThrow(/input mode/);
    // None of the failures kept the pin.
    new Digital({ pin: 2, mode: Digital.Input }).close();
  });

  it('a pin is open once at a time', () => {
    const { pins, Digital } = board();
    const first = new Digital({ pin: 25, mode: Digital.Output });
    expect(() => new Digital({ pin: 25, mode: Digital.Input })).toThrow(/pin 25 is already in use/);
    expect(pins.inUse(25)).toBe('output');
    first.close();
    new Digital({ pin: 25, mode: Digital.Input });
  });

  it('write on an input, read on an output, bad values, use after close', () => {
    const { Digital } = board();
    const input = new Digital({ pin: 1, mode: Digital.InputPullUp });
    const output = new Digital({ pin: 2, mode: Digital.Output });
    expect(() => input.write(1)).toThrow(/write\(\) on input pin 1/);
    expect(() => output.read()).toThrow(/read\(\) on output pin 2/);
    expect(() => output.write(2)).toThrow(RangeError);
    input.close();
    output.close();
    expect(() => input.read()).toThrow(/after close/);
    expect(() => output.write(1)).toThrow(/after close/);
  });

  it('refuses a PinBank from another loop', () => {
    const pins = new PinBank(new HostLoop());
    expect(() => digitalClass(new HostLoop(), pins)).toThrow(/another loop/);
  });
});
