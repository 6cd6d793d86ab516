/**
 * embedded:network/interface/wifi for the desktop simulators, which have no
 * ECMA-419 Wi-Fi class: the PC is on its network already, so there is nothing
 * to join. Constructing one says so; main.ts only does when the build sets
 * `wifiSsid`, and goes on without Wi-Fi.
 *
 * manifests/host maps the module name to this file. XS resolves a relative
 * import against the importing module's name, so this file imports nothing
 * at run time.
 */
import type { ModdableWiFi } from './wifi-station.js';

export default class NoWiFi implements ModdableWiFi {
  constructor() {
    throw new Error('wifi: this host has no Wi-Fi interface of its own; it uses the network of the computer');
  }

  get connection(): number {
    return 200;
  }

  connect(): void {}

  close(): void {}
}
