/**
 * The board provider on the host target. Moddable's desktop simulators set
 * no `device` global (their `system` module has none), so manifests/host
 * preloads this module, which sets one, as the SDK's `system` module does on
 * the ESP32. Preloaded means it runs at build time: it only builds objects.
 *
 * The SDK's mqttclient/config (also preloaded) adds `network.mqtt`, the
 * MQTT client over the PC's sockets, to whatever `device` is set when it
 * runs; whichever of the two runs first, the provider keeps it.
 */
import Serial from 'embedded:io/serial';
import config from 'mc/config';
import type { DeviceProvider } from '../types/ecma419.js';
import { hostDevice } from './host-device.js';

const global = globalThis as unknown as { device?: DeviceProvider & { readonly network?: object } };
const network = global.device?.network;
const board = hostDevice({
  Serial,
  scannerDevice: typeof config.scannerDevice === 'string' ? config.scannerDevice : undefined,
});
global.device = network ? Object.freeze({ ...board, network }) : board;
