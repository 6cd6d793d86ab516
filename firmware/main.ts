/**
 * The validator on the device: the module the Moddable manifests start
 * (`creation.main` is "firmware/main"). It builds the platform services from
 * the SDK's modules, puts the display on the LCD and starts ValidatorApp on
 * the board provider (`globalThis.device`), with the boarding log and the
 * settings store opened from the board's flash partitions (BoardConfig.flash).
 *
 * Composition only: each adapter is a module under device/, tested on Node
 * against the SDK's interfaces (docs/device.md).
 */
import flash from 'embedded:storage/flash';
import Poco from 'commodetto/Poco';
import parseBMF from 'commodetto/parseBMF';
import { Digest } from 'crypt';
import EC from 'ec';
import ECPoint from 'ecp';
import WiFi from 'embedded:network/interface/wifi';
import Instrumentation from 'instrumentation';
import config from 'mc/config';
import Modular from 'modular';
import Resource from 'Resource';
import RNG from 'rng';
import Time from 'time';
import Timer from 'timer';
import { openFlashStorage, type FlashStorage } from './app/storage.js';
import { ValidatorApp } from './app/validator.js';
import { VALIDATOR_BOARD_V1 } from './board/board.js';
import { ScreenTone } from './display/text-display.js';
import { TEXT } from './display/texts.js';
import { DeviceClock } from './device/device-clock.js';
import { instrumentationHeap } from './device/instrumentation-heap.js';
import { moddableTimers } from './device/moddable-timers.js';
import { nativeVerifier } from './device/native-verifier.js';
import { PocoDisplay } from './device/poco-display.js';
import { provisioningFromConfig } from './device/provisioning-config.js';
import { RngRandom } from './device/rng-random.js';
import { brokerFromConfig, firmwareVersion } from './device/sync-config.js';
import { WifiStation } from './device/wifi-station.js';
import { SyncService } from './sync/sync-service.js';
import type { DeviceProvider } from './types/ecma419.js';
import type { MqttProvider } from './types/mqtt.js';

/** The board provider, with the MQTT client the SDK's mqttclient/config adds to it. */
type Board = DeviceProvider & { readonly network?: { readonly mqtt?: MqttProvider } };
/** The SDK's `system` module defines System.restart (esp_restart) on the ESP32; the desktop's has none. */
type SystemGlobal = { readonly restart?: () => void };

// The board provider (`system` on the ESP32, device/host-provider.ts on the host target),
// the display (the SDK's display setup, or the simulator) and System are globals by the time main runs.
const { device, screen, System } = globalThis as unknown as { device: Board; screen: object; System?: SystemGlobal };
// Poco queues one command per glyph: a full screen of text needs more than its 1 KiB default.
const poco = new Poco(screen, { displayListLength: 8192 });
const display = new PocoDisplay({ poco, font: parseBMF(new Resource(String(config.font))) });

const board = VALIDATOR_BOARD_V1;
const clock = new DeviceClock({ time: Time });
const random = new RngRandom({ rng: RNG });
const timers = moddableTimers(Timer);
let storage: FlashStorage | undefined;
let sync: SyncService | undefined;
/** Held for the life of the app, as the app itself is by its timers and I/O callbacks. */
let wifi: WifiStation | undefined;
try {
  const provisioning = provisioningFromConfig(config);
  const broker = brokerFromConfig(config);
  // The ESP32's builtin provider has no flash entry; the SDK module serves.
  storage = openFlashStorage({ flash: device.flash ?? flash, board, random, ticks: () => clock.ticks() });
  const mqtt = device.network?.mqtt;
  sync = broker && mqtt
    ? new SyncService({
      mqtt,
      broker,
      validatorId: provisioning.validatorId,
      operator: provisioning.operator,
      fw: firmwareVersion(config),
      log: storage.log,
      store: storage.store,
      clock,
      timers,
      random,
      heap: instrumentationHeap(Instrumentation),
      // Without it the reboot command is answered FAILED.
      restart: typeof System?.restart === 'function' ? () => System.restart?.() : undefined,
    })
    : undefined;
  const app = new ValidatorApp({
    device,
    board,
    platform: { clock, timers, random, verifier: nativeVerifier({ EC, ECPoint, Modular, Digest }), uplink: sync },
    display,
    log: storage.log,
    store: storage.store,
    provisioning,
    settings: { language: config.language === 'en' ? 'en' : 'zh' },
  });
  app.boot();
  sync?.attach(app);
  sync?.start();
  wifi = joinWiFi();
} catch (e) {
  // A validator that cannot start says why on its screen instead of rebooting in a loop.
  sync?.close(false);
  storage?.close();
  display.show({ tone: ScreenTone.WARNING, lines: [TEXT.fault.zh, TEXT.fault.en, e instanceof Error ? e.message : String(e)] });
}

/** Joins the depot's Wi-Fi in the background when the build names one; the validator works without it. */
function joinWiFi(): WifiStation | undefined {
  const ssid = typeof config.wifiSsid === 'string' ? config.wifiSsid : '';
  if (ssid === '') return undefined;
  try {
    const station = new WifiStation({ WiFi, ssid, password: typeof config.wifiPassword === 'string' ? config.wifiPassword : undefined, timers, random });
    station.start();
    return station;
  } catch {
    // No radio (or a host without Wi-Fi): offline, as out of coverage; the log keeps everything.
    return undefined;
  }
}
