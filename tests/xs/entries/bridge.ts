/**
 * Bundled into XS by tests/xs/bridge.test.ts: firmware-style use of bridged
 * ECMA-419 classes, timers and flash, recording what XS saw so Node can
 * compare it with what the simulator's models did.
 */
import { GuestBridge } from '../../../simulator/xs/bridge/guest-bridge.js';
import { GuestChannel } from '../../../simulator/xs/guest/channel.js';
import type { Timers } from '../../../firmware/platform/timers.js';
import type { DeviceProvider, Digital, Serial } from '../../../firmware/types/ecma419.js';

const channel = new GuestChannel();
const bridge = new GuestBridge(channel);
const seen: string[] = [];
let device: DeviceProvider;
let timers: Timers;
const open: Array<{ close(): void }> = [];

function bridged(): DeviceProvider {
  if (!device) throw new Error('not attached');
  return device;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => (b < 16 ? '0' : '') + b.toString(16)).join('');

channel.serve({
  attach(marks: unknown) {
    ({ device, timers } = bridge.materialize(marks) as { device: DeviceProvider; timers: Timers });
    const { Digital, Serial, PWM } = device.io;
    return { names: [Digital.name, Serial.name, PWM.name], input: Digital.InputPullUp, output: Digital.Output, falling: Digital.Falling, pins: device.pin };
  },

  watchButton(pin: number) {
    const { Digital } = bridged().io;
    const button = new Digital({
      pin,
      mode: Digital.InputPullUp,
      edge: Digital.Falling | Digital.Rising,
      onReadable(this: Digital) {
        seen.push(`edge ${this.read()} ${this instanceof Digital}`);
      },
    });
    open.push(button);
    return button.read();
  },

  listen(port: number, receive: number, transmit: number, baud: number) {
    const { Serial } = bridged().io;
    const serial = new Serial({
      port, receive, transmit, baud,
      format: 'buffer',
      onReadable(this: Serial, count: number) {
        const data = this.read() as ArrayBuffer;
        seen.push(`read ${count} ${hex(new Uint8Array(data))} ${data instanceof ArrayBuffer}`);
        this.write(Uint8Array.of(0x06));
      },
    });
    open.push(serial);
    serial.format = 'number';
    const format = serial.format;
    serial.format = 'buffer';
    return format;
  },

  buzz(pin: number, value: number) {
    const pwm = new (bridged().io.PWM)({ pin, hz: 2700, resolution: 8 });
    open.push(pwm);
    try {
      pwm.write(value);
      return { resolution: pwm.resolution, hz: pwm.hz };
    } catch (e) {
      return { threw: (e as Error).name, isRangeError: e instanceof RangeError, message: (e as Error).message };
    }
  },

  later(ms: number, cancel: boolean) {
    const id = timers.set(() => seen.push(`timer ${ms}`), ms);
    if (cancel) timers.clear(id);
  },

  flash(path: string) {
    const flash = bridged().flash;
    if (!flash) throw new Error('no flash');
    const partition = flash.open({ path });
    try {
      const status = partition.status();
      partition.eraseBlock(0, 2);
      partition.write(Uint8Array.of(1, 2, 3, 4), 10);
      partition.write(new Uint8Array([0xf0]).buffer, 4096);
      const whole = new Uint8Array(partition.read(6, 8));
      const into = new Uint8Array(10);
      const n = partition.read(into.subarray(2, 8), 9);
      return { status, whole: hex(whole), into: hex(into), n };
    } finally {
      partition.close();
    }
  },

  closeAll() {
    for (const o of open.splice(0)) o.close();
  },

  seen: () => seen.splice(0),
});
