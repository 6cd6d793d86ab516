/**
 * The board provider on the host target. Moddable's desktop simulators set
 * no `device` global (their `system` module has none), so manifests/host
 * preloads this module, which sets one, as the SDK's `system` module does on
 * the ESP32. Preloaded means it runs at build time: it only builds objects.
 */
import Serial from 'embedded:io/serial';
import config from 'mc/config';
import type { DeviceProvider } from '../types/ecma419.js';
import { hostDevice } from './host-device.js';

(globalThis as unknown as { device: DeviceProvider }).device = hostDevice({
  Serial,
  scannerDevice: typeof config.scannerDevice === 'string' ? config.scannerDevice : undefined,
});
