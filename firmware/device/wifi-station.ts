/**
 * Keeps the ESP32 on a Wi-Fi network (the depot's) without ever holding up
 * the validator: connects in the background, and after every disconnection
 * or failed attempt tries again with backoff, for as long as it runs.
 *
 * Why not the SDK's own Wi-Fi setup (`setup/network`, driven by the `ssid`
 * and `password` config keys): it runs before main and holds main back until
 * the network is up, so a validator powered on out of coverage would never
 * start; and it closes its Wi-Fi object once connected, so nothing connects
 * again after the bus leaves the depot. The validator uses other keys
 * (`wifiSsid`, `wifiPassword`) so that setup finds no SSID and steps aside.
 *
 * Over the ECMA-419 network interface `embedded:network/interface/wifi`
 * (modules/io/wifi/esp32), whose `connection` is 200 disconnected, 300
 * connecting, 400 associated and 500 with an address.
 */
import type { Random } from '../platform/random.js';
import type { TimerId, Timers } from '../platform/timers.js';
import { reconnectDelay, type BackoffSettings } from '../sync/backoff.js';

export const WiFiConnection = Object.freeze({ DISCONNECTED: 200, CONNECTING: 300, ASSOCIATED: 400, ONLINE: 500 } as const);

/** The part of Moddable's ECMA-419 Wi-Fi class used here. */
export interface ModdableWiFi {
  readonly connection: number;
  connect(options: { readonly SSID: string; readonly password?: string }): void;
  close(): void;
}

export interface ModdableWiFiConstructor {
  new (options: { readonly onChanged?: (this: ModdableWiFi, property: string) => void }): ModdableWiFi;
}

export const WIFI_BACKOFF: BackoffSettings = Object.freeze({ initialMs: 2000, maxMs: 60_000 });

export interface WifiStationOptions {
  readonly WiFi: ModdableWiFiConstructor;
  readonly ssid: string;
  readonly password?: string;
  readonly timers: Timers;
  readonly random: Random;
  readonly backoff?: BackoffSettings;
}

export class WifiStation {
  readonly #o: WifiStationOptions;
  #wifi: ModdableWiFi | undefined;
  #timer: TimerId | undefined;
  #failures = 0;
  #closed = false;

  constructor(options: WifiStationOptions) {
    if (typeof options.ssid !== 'string' || options.ssid === '') throw new Error('wifi: ssid is not set');
    this.#o = { ...options };
  }

  /** The interface's connection state (WiFiConnection); DISCONNECTED before start(). */
  get connection(): number {
    return this.#wifi?.connection ?? WiFiConnection.DISCONNECTED;
  }

  /** Starts connecting; returns at once. Throws only if the radio cannot be set up. */
  start(): void {
    if (this.#wifi || this.#closed) return;
    const station = this;
    this.#wifi = new this.#o.WiFi({
      onChanged(property) {
        if (property === 'connection') station.#changed();
      },
    });
    this.#connect();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
    this.#timer = undefined;
    const wifi = this.#wifi;
    this.#wifi = undefined;
    wifi?.close();
  }

  #connect(): void {
    const wifi = this.#wifi;
    if (!wifi || this.#closed) return;
    const { ssid, password } = this.#o;
    try {
      wifi.connect(password ? { SSID: ssid, password } : { SSID: ssid });
    } catch {
      // "already connecting", or the driver refused: the same as a failed attempt.
      this.#retry();
    }
  }

  #changed(): void {
    const connection = this.connection;
    if (connection >= WiFiConnection.ASSOCIATED) {
      this.#failures = 0;
      return;
    }
    if (connection <= WiFiConnection.DISCONNECTED) this.#retry();
  }

  #retry(): void {
    if (this.#closed || this.#timer !== undefined) return;
    const delay = reconnectDelay(this.#failures++, this.#o.random, this.#o.backoff ?? WIFI_BACKOFF);
    this.#timer = this.#o.timers.set(() => {
      this.#timer = undefined;
      this.#connect();
    }, delay);
  }
}
