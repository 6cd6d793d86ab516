/**
 * The device adapters in firmware/device/ that main.ts and the host target
 * compose, run against stand-ins with the SDK modules' documented
 * behaviour: Time.ticks as a wrapping signed 32-bit millisecond count, rng
 * as a byte stream, Timer passing its id to the callback, the host serial
 * taking a device path, Instrumentation answering undefined in a release
 * build, the ECMA-419 Wi-Fi class reporting its connection by number.
 */
import { describe, expect, it } from 'vitest';
import { DeviceClock, type ModdableTime } from '../../firmware/device/device-clock.js';
import { hostDevice } from '../../firmware/device/host-device.js';
import { HEAP_COUNTERS, instrumentationHeap } from '../../firmware/device/instrumentation-heap.js';
import NoWiFi from '../../firmware/device/no-wifi.js';
import { UNKNOWN_FIRMWARE, brokerFromConfig, firmwareVersion } from '../../firmware/device/sync-config.js';
import { WiFiConnection, WifiStation, type ModdableWiFi } from '../../firmware/device/wifi-station.js';
import { moddableTimers } from '../../firmware/device/moddable-timers.js';
import { provisioningFromConfig } from '../../firmware/device/provisioning-config.js';
import { HOST_PARTITIONS, RamFlash } from '../../firmware/device/ram-flash.js';
import { RngRandom } from '../../firmware/device/rng-random.js';
import { UnwiredDigital, UnwiredPWM, UnwiredSerial } from '../../firmware/device/unwired-io.js';
import { ClockSource } from '../../firmware/platform/clock.js';
import type { SerialOptions } from '../../firmware/types/ecma419.js';
import { bytesToHex } from '../../protocol/index.js';
import { p256 } from '@noble/curves/nist.js';
import { root } from '../protocol/fixtures.js';

/** Moddable's Time: milliseconds since boot as FreeRTOS counts them, read through a signed 32-bit integer. */
class BootTime implements ModdableTime {
  ms: number;
  systemSeconds: number | undefined;
  constructor(startMs: number) {
    this.ms = startMs;
  }
  get ticks(): number {
    return this.ms | 0;
  }
  set(seconds: number): void {
    this.systemSeconds = seconds;
  }
}

describe('DeviceClock', () => {
  it('counts milliseconds across the sign change at 24.8 days and the wrap at 49.7 days', () => {
    const time = new BootTime(2 ** 31 - 10);
    const clock = new DeviceClock({ time });
    time.ms += 20;
    expect(time.ticks).toBeLessThan(0);
    expect(clock.ticks()).toBe(20);
    time.ms = 2 ** 32 - 5;
    const before = clock.ticks();
    time.ms = 2 ** 32 + 7;
    expect(time.ticks).toBe(7);
    expect(clock.ticks() - before).toBe(12);
  });

  it('knows nothing of the time until told: source none, unbounded uncertainty', () => {
    const clock = new DeviceClock({ time: new BootTime(1234) });
    expect(clock.source()).toBe(ClockSource.NONE);
    expect(clock.uncertainty()).toBe(Number.POSITIVE_INFINITY);
  });

  it('once set, runs on from that time, sets the system time, and grows less sure with drift', () => {
    const time = new BootTime(5000);
    const clock = new DeviceClock({ time, driftPpm: 20 });
    const epochMs = Date.UTC(2026, 10, 25, 0, 0, 0);
    clock.set(epochMs, ClockSource.NETWORK, 0.5);
    expect(time.systemSeconds).toBe(epochMs / 1000);
    expect(clock.now()).toBe(epochMs);
    time.ms += 3_600_000;
    expect(clock.now()).toBe(epochMs + 3_600_000);
    expect(clock.source()).toBe(ClockSource.NETWORK);
    expect(clock.uncertainty()).toBeCloseTo(0.5 + 3600 * 20e-6, 9);
  });

  it('refuses a time that is not one', () => {
    const clock = new DeviceClock({ time: new BootTime(0) });
    expect(() => clock.set(Number.NaN, ClockSource.RTC, 1)).toThrow(RangeError);
    expect(() => clock.set(1, ClockSource.RTC, -1)).toThrow(RangeError);
    expect(clock.source()).toBe(ClockSource.NONE);
  });
});

describe('moddableTimers', () => {
  it('calls the firmware callback without the timer id Moddable passes, and clears through Timer', () => {
    const pending = new Map<number, (id: number) => void>();
    let next = 1;
    const Timer = {
      set(callback: (id: number) => void): number {
        pending.set(next, callback);
        return next++;
      },
      clear(id: unknown): void {
        pending.delete(id as number);
      },
    };
    const timers = moddableTimers(Timer as Parameters<typeof moddableTimers>[0]);
    const calls: unknown[][] = [];
    const a = timers.set((...args: unknown[]) => calls.push(args), 10);
    const b = timers.set(() => calls.push(['b']), 10);
    timers.clear(b);
    for (const [id, cb] of pending) cb(id);
    expect(calls).toEqual([[]]);
    expect(a).toBe(1);
  });
});

describe('RngRandom', () => {
  it('throws away the first 3072 keystream bytes once, then hands out exactly what is asked', () => {
    let position = 0;
    const rng = { get: (n: number) => Uint8Array.from({ length: n }, () => position++ & 0xff).buffer };
    const random = new RngRandom({ rng });
    expect(position).toBe(0);
    const a = random.bytes(4);
    expect([...a]).toEqual([3072 & 0xff, 3073 & 0xff, 3074 & 0xff, 3075 & 0xff]);
    expect(random.bytes(16)).toHaveLength(16);
    expect(position).toBe(3072 + 20);
    expect(random.bytes(0)).toHaveLength(0);
    expect(() => random.bytes(-1)).toThrow(RangeError);
    expect(() => new RngRandom({ rng: { get: () => new ArrayBuffer(1) }, discard: 0 }).bytes(8)).toThrow();
  });
});

describe('provisioningFromConfig', () => {
  const key = bytesToHex(root.publicKey);
  const compressed = bytesToHex(p256.Point.fromBytes(root.publicKey).toBytes(true));

  it('reads the id, operator and root keys as mcconfig passes them (one string) or as the manifest holds them (an array)', () => {
    const p = provisioningFromConfig({ validatorId: ' V-0042 ', operator: 'YTBUS', rootKeys: `${key}, ${compressed}` });
    expect(p.validatorId).toBe('V-0042');
    expect(p.operator).toBe('YTBUS');
    expect(p.rootKeys.map(bytesToHex)).toEqual([key, key]);
    expect(provisioningFromConfig({ validatorId: 'V1', operator: 'YTBUS', rootKeys: [key] }).rootKeys).toHaveLength(1);
  });

  it('allows no root keys (the validator then says it is not configured) but not a missing id or operator', () => {
    expect(provisioningFromConfig({ validatorId: 'V1', operator: 'YTBUS', rootKeys: '' }).rootKeys).toEqual([]);
    expect(() => provisioningFromConfig({ validatorId: '', operator: 'YTBUS' })).toThrow(/validatorId/);
    expect(() => provisioningFromConfig({ validatorId: 'V1' })).toThrow(/operator/);
  });

  it('names the root key that is not a P-256 public key', () => {
    const offCurve = `${key.slice(0, -2)}${key.endsWith('00') ? '01' : '00'}`;
    expect(() => provisioningFromConfig({ validatorId: 'V1', operator: 'YTBUS', rootKeys: `${key} ${offCurve}` })).toThrow(/rootKeys\[1\]/);
    expect(() => provisioningFromConfig({ validatorId: 'V1', operator: 'YTBUS', rootKeys: 'zz' })).toThrow(/rootKeys\[0\]/);
    expect(() => provisioningFromConfig({ validatorId: 'V1', operator: 'YTBUS', rootKeys: 7 })).toThrow(/rootKeys/);
  });
});

describe('RamFlash', () => {
  it('behaves as NOR flash: new is erased, writes only clear bits, erase sets a block back to 0xFF', () => {
    const flash = new RamFlash({ log: { blocks: 4, blockLength: 256 } });
    const p = flash.open({ path: 'log' });
    expect(p.status()).toEqual({ size: 1024, blockLength: 256, blocks: 4 });
    expect(new Uint8Array(p.read(4, 0))).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    p.write(Uint8Array.of(0xf0, 0x0f), 300);
    p.write(Uint8Array.of(0x3c, 0xff), 300);
    expect(new Uint8Array(p.read(2, 300))).toEqual(Uint8Array.of(0x30, 0x0f));
    const into = new Uint8Array(3);
    expect(p.read(into, 299)).toBe(3);
    expect(into).toEqual(Uint8Array.of(0xff, 0x30, 0x0f));
    p.eraseBlock(1);
    expect(new Uint8Array(p.read(2, 300))).toEqual(Uint8Array.of(0xff, 0xff));
  });

  it('keeps contents across close and open, like the chip', () => {
    const flash = new RamFlash({ log: { blocks: 2, blockLength: 64 } });
    const a = flash.open({ path: 'log' });
    a.write(Uint8Array.of(1, 2, 3), 10);
    a.close();
    expect(() => a.read(1, 0)).toThrow();
    expect(new Uint8Array(flash.open({ path: 'log' }).read(3, 10))).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('refuses what the chip would: outside the partition, writing read-only, unknown partitions', () => {
    const flash = new RamFlash({ log: { blocks: 2, blockLength: 64 } });
    const p = flash.open({ path: 'log' });
    expect(() => p.read(2, 127)).toThrow(RangeError);
    expect(() => p.write(Uint8Array.of(0), 128)).toThrow(RangeError);
    expect(() => p.eraseBlock(1, 3)).toThrow(RangeError);
    const ro = flash.open({ path: 'log', mode: 'r' });
    expect(() => ro.write(Uint8Array.of(0), 0)).toThrow();
    expect(() => ro.eraseBlock(0)).toThrow();
    expect(() => flash.open({ path: 'nope' })).toThrow(/nope/);
    expect(() => new RamFlash({ bad: { blocks: 0, blockLength: 4096 } })).toThrow(RangeError);
  });

  it('is sized for the firmware on the host target as on the board', () => {
    const flash = new RamFlash(HOST_PARTITIONS);
    expect(flash.open({ path: 'boardings' }).status().size).toBe(1024 * 1024);
    expect(flash.open({ path: 'settings' }).status().size).toBe(256 * 1024);
  });
});

describe('the host board provider', () => {
  it('gives inputs their resting level, keeps what outputs were written, and checks duty cycles', () => {
    const button = new UnwiredDigital({ pin: 32, mode: UnwiredDigital.InputPullUp, edge: UnwiredDigital.Falling, onReadable() {} });
    expect(button.read()).toBe(1);
    expect(() => button.write(0)).toThrow();
    const led = new UnwiredDigital({ pin: 25, mode: UnwiredDigital.Output });
    led.write(1);
    expect(led.read()).toBe(1);
    led.close();
    expect(() => led.read()).toThrow();
    const buzzer = new UnwiredPWM({ pin: 27, hz: 2700 });
    buzzer.write(512);
    expect(() => buzzer.write(2 ** buzzer.resolution)).toThrow(RangeError);
  });

  it('opens the scanner on the named serial device with the firmware options, or has a port that never receives', () => {
    const opened: SerialOptions[] = [];
    class HostSerial extends (UnwiredSerial as unknown as new (o: SerialOptions) => object) {
      constructor(options: SerialOptions) {
        super(options);
        opened.push(options);
      }
    }
    const device = hostDevice({ Serial: HostSerial as never, scannerDevice: '/dev/ttyACM0' });
    const onReadable = () => {};
    new device.io.Serial({ port: 2, receive: 16, transmit: 17, baud: 115200, format: 'buffer', onReadable });
    expect(opened).toEqual([{ port: 2, receive: 16, transmit: 17, baud: 115200, format: 'buffer', onReadable, device: '/dev/ttyACM0' }]);

    const none = hostDevice({ Serial: HostSerial as never });
    const port = new none.io.Serial({ baud: 115200, format: 'buffer' });
    expect(port.read()).toBeUndefined();
    expect(() => port.write(Uint8Array.of(6))).not.toThrow();
    expect(opened).toHaveLength(1);
  });
});

describe('brokerFromConfig', () => {
  it('reads the broker from the manifest (an object) or the mcconfig command line (text)', () => {
    expect(brokerFromConfig({ mqtt: { host: '10.8.0.2', port: 1884, user: 'v42', password: 's3cret' } })).toEqual({ host: '10.8.0.2', port: 1884, user: 'v42', password: 's3cret' });
    expect(brokerFromConfig({ mqtt: { host: 'broker.local', port: '1883' } })).toEqual({ host: 'broker.local', port: 1883 });
    expect(brokerFromConfig({ mqtt: '10.8.0.2' })).toEqual({ host: '10.8.0.2' });
    expect(brokerFromConfig({ mqtt: ' 10.8.0.2:1885 ' })).toEqual({ host: '10.8.0.2', port: 1885 });
    expect(brokerFromConfig({ mqtt: 'mqtt://v42:p%40ss:word@broker.local:1883/' })).toEqual({ host: 'broker.local', port: 1883, user: 'v42', password: 'p@ss:word' });
    expect(brokerFromConfig({ mqtt: 'mqtt://v42@broker.local' })).toEqual({ host: 'broker.local', user: 'v42' });
  });

  it('gives no broker (no sync) when none is set', () => {
    expect(brokerFromConfig({})).toBeUndefined();
    expect(brokerFromConfig({ mqtt: '' })).toBeUndefined();
  });

  it('names what is wrong with a broker it cannot use', () => {
    expect(() => brokerFromConfig({ mqtt: 'mqtts://broker.local' })).toThrow(/mqtts/);
    expect(() => brokerFromConfig({ mqtt: 'broker.local:99999' })).toThrow(/port/);
    expect(() => brokerFromConfig({ mqtt: 'broker.local:' })).toThrow(/port/);
    expect(() => brokerFromConfig({ mqtt: { port: 1883 } })).toThrow(/host/);
    expect(() => brokerFromConfig({ mqtt: { host: 'a b' } })).toThrow(/host/);
    expect(() => brokerFromConfig({ mqtt: { host: 'x', user: 7 } })).toThrow(/user/);
    expect(() => brokerFromConfig({ mqtt: 'mqtt://%zz@x' })).toThrow(/user/);
    expect(() => brokerFromConfig({ mqtt: 1883 })).toThrow(/mqtt/);
  });

  it('reports the firmware version the manifest sets', () => {
    expect(firmwareVersion({ fw: '0.1.0' })).toBe('0.1.0');
    expect(firmwareVersion({})).toBe(UNKNOWN_FIRMWARE);
  });
});

describe('instrumentationHeap', () => {
  const names = [HEAP_COUNTERS.SLOTS, HEAP_COUNTERS.CHUNKS, HEAP_COUNTERS.FREE];

  it('reads the XS heap in use (slots and chunks) and the free system memory of an instrumented build', () => {
    const values = [12_000, 30_000, 81_000];
    const heap = instrumentationHeap({ map: (name) => { const i = names.indexOf(name as never); return i < 0 ? undefined : 10 + i; }, get: (i) => values[i - 10] });
    expect(heap()).toEqual({ used: 42_000, free: 81_000 });
    values[2] = 80_000;
    expect(heap()?.free).toBe(80_000);
  });

  it('reads null in a release build, where the SDK answers undefined', () => {
    expect(instrumentationHeap({ map: () => undefined, get: () => undefined })()).toBeNull();
    expect(instrumentationHeap({ map: () => 1, get: () => undefined })()).toBeNull();
  });
});

describe('WifiStation', () => {
  /** Moddable's ECMA-419 Wi-Fi as the ESP32 driver behaves: connect() starts, onChanged('connection') reports. */
  class FakeWiFi implements ModdableWiFi {
    static last: FakeWiFi | undefined;
    connection: number = WiFiConnection.DISCONNECTED;
    readonly connects: Array<{ SSID: string; password?: string }> = [];
    closed = false;
    readonly #onChanged: ((this: ModdableWiFi, property: string) => void) | undefined;
    constructor(options: { onChanged?: (this: ModdableWiFi, property: string) => void }) {
      this.#onChanged = options.onChanged;
      FakeWiFi.last = this;
    }
    connect(options: { SSID: string; password?: string }): void {
      if (this.connection === WiFiConnection.CONNECTING) throw new Error('already connecting');
      this.connects.push({ ...options });
      this.connection = WiFiConnection.CONNECTING;
    }
    close(): void {
      this.closed = true;
    }
    report(connection: number): void {
      this.connection = connection;
      this.#onChanged?.call(this, 'connection');
    }
  }

  function timers() {
    const pending = new Map<number, { at: number; fn: () => void }>();
    let now = 0;
    let next = 1;
    return {
      set: (fn: () => void, ms: number) => (pending.set(next, { at: now + ms, fn }), next++),
      clear: (id: unknown) => void pending.delete(id as number),
      pending,
      /** Runs the next timer; returns the delay it had. */
      fire(): number {
        const [id, t] = [...pending].sort((a, b) => a[1].at - b[1].at)[0];
        pending.delete(id);
        const delay = t.at - now;
        now = t.at;
        t.fn();
        return delay;
      },
    };
  }
  // Jitter at exactly half: 0x8000 / 65536.
  const random = { bytes: (n: number) => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0x80 : 0)) };

  it('connects in the background, and after each failure or loss tries again, backing off, for as long as it runs', () => {
    const t = timers();
    const station = new WifiStation({ WiFi: FakeWiFi, ssid: 'depot', password: 'pw', timers: t, random, backoff: { initialMs: 1000, maxMs: 8000 } });
    station.start();
    const wifi = FakeWiFi.last!;
    expect(wifi.connects).toEqual([{ SSID: 'depot', password: 'pw' }]);
    expect(t.pending.size).toBe(0);
    // Out of range: the driver reports the failure as a disconnection.
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      wifi.report(WiFiConnection.DISCONNECTED);
      delays.push(t.fire());
    }
    expect(delays).toEqual([750, 1500, 3000, 6000, 6000]);
    expect(wifi.connects).toHaveLength(6);
    wifi.report(WiFiConnection.ASSOCIATED);
    wifi.report(WiFiConnection.ONLINE);
    expect(station.connection).toBe(WiFiConnection.ONLINE);
    // The bus leaves the depot: back to the shortest delay.
    wifi.report(WiFiConnection.DISCONNECTED);
    expect(t.fire()).toBe(750);
    expect(wifi.connects).toHaveLength(7);
    station.close();
    station.close();
    expect(wifi.closed).toBe(true);
    wifi.report(WiFiConnection.DISCONNECTED);
    expect(t.pending.size).toBe(0);
  });

  it('counts a refused connect as a failed attempt, joins an open network without a password, needs an SSID', () => {
    const t = timers();
    const station = new WifiStation({ WiFi: FakeWiFi, ssid: 'open', timers: t, random });
    station.start();
    const wifi = FakeWiFi.last!;
    expect(wifi.connects).toEqual([{ SSID: 'open' }]);
    wifi.connection = WiFiConnection.CONNECTING;
    wifi.report(WiFiConnection.DISCONNECTED);
    wifi.connection = WiFiConnection.CONNECTING; // the driver still busy: connect() throws
    t.fire();
    expect(t.pending.size).toBe(1);
    expect(() => new WifiStation({ WiFi: FakeWiFi, ssid: '', timers: t, random })).toThrow(/ssid/);
  });

  it('on the desktop simulators, is not there: the PC is on its network already', () => {
    expect(() => new WifiStation({ WiFi: NoWiFi as never, ssid: 'x', timers: timers(), random }).start()).toThrow(/no Wi-Fi/);
  });
});
