import { describe, expect, it } from 'vitest';
import type { PWMConstructor } from '../../firmware/types/ecma419.js';
import { PinBank, digitalClass } from '../../simulator/host/digital.js';
import { HostLoop } from '../../simulator/host/loop.js';
import { pwmClass } from '../../simulator/host/pwm.js';

function board(): { loop: HostLoop; pins: PinBank; PWM: PWMConstructor } {
  const loop = new HostLoop();
  const pins = new PinBank(loop);
  return { loop, pins, PWM: pwmClass(loop, pins) };
}

describe('PWM', () => {
  it('defaults to 1000 Hz and 10 bits, starting at duty 0', () => {
    const { pins, PWM } = board();
    const pwm = new PWM({ pin: 27 });
    expect([pwm.format, pwm.hz, pwm.resolution]).toEqual(['number', 1000, 10]);
    expect(pins.duty(27)).toBe(0);
    expect(pins.pwmHistory).toEqual([{ pin: 27, duty: 0, hz: 1000, at: 0 }]);
  });

  it('records each write as a duty 0..1 with hz and simulated time; close records 0', () => {
    const { loop, pins, PWM } = board();
    const buzzer = new PWM({ pin: 27, hz: 2700, resolution: 8 });
    loop.runFor(5);
    buzzer.write(255);
    expect(pins.duty(27)).toBe(1);
    loop.runFor(120);
    buzzer.write(0);
    loop.runFor(30);
    buzzer.write(51);
    loop.runFor(10);
    buzzer.close();
    buzzer.close(); // idempotent: recorded once
    expect(pins.pwmChanges(27)).toEqual([
      { pin: 27, duty: 0, hz: 2700, at: 0 },
      { pin: 27, duty: 1, hz: 2700, at: 5 },
      { pin: 27, duty: 0, hz: 2700, at: 125 },
      { pin: 27, duty: 0.2, hz: 2700, at: 155 },
      { pin: 27, duty: 0, hz: 2700, at: 165 },
    ]);
    expect(pins.duty(27)).toBe(0);
    pins.clearHistory();
    expect(pins.pwmHistory).toEqual([]);
  });

  it('write takes integers 0 .. 2^resolution - 1 only', () => {
    const { PWM } = board();
    const pwm = new PWM({ pin: 27 });
    pwm.write(1023);
    for (const bad of [-1, 1024, 0.5, Number.NaN]) expect(() => pwm.write(bad)).toThrow(RangeError);
    expect(() => pwm.write('1' as never)).toThrow(RangeError);
  });

  it('rejects bad options', () => {
    const { PWM } = board();
    expect(() => new PWM({} as never)).toThrow(TypeError);
    expect(() => new PWM({} as never)).toThrow(/pin required/);
    expect(() => new PWM({ pin: -3 })).toThrow(RangeError);
    expect(() => new PWM({ pin: 27, hz: 0 })).toThrow(RangeError);
    expect(() => new PWM({ pin: 27, resolution: 0 })).toThrow(RangeError);
    expect(() => new PWM({ pin: 27, resolution: 21 })).toThrow(RangeError);
    new PWM({ pin: 27 }).close(); // the failures did not keep the pin
  });

  it('shares pins with Digital: one open user at a time; reusable after close', () => {
    const { loop, pins, PWM } = board();
    const Digital = digitalClass(loop, pins);
    const pwm = new PWM({ pin: 27 });
    expect(() => new Digital({ pin: 27, mode: Digital.Output })).toThrow(/already in use/);
    expect(() => new PWM({ pin: 27 })).toThrow(/already in use/);
    expect(pins.value(27)).toBeUndefined(); // not a digital level
    pwm.close();
    expect(() => pwm.write(1)).toThrow(/after close/);
    new Digital({ pin: 27, mode: Digital.Output }).close();
    new PWM({ pin: 27 });
  });
});
