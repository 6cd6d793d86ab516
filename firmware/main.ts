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
import { moddableTimers } from './device/moddable-timers.js';
import { nativeVerifier } from './device/native-verifier.js';
import { PocoDisplay } from './device/poco-display.js';
import { provisioningFromConfig } from './device/provisioning-config.js';
import { RngRandom } from './device/rng-random.js';
import type { DeviceProvider } from './types/ecma419.js';

// The board provider (`system` on the ESP32, device/host-provider.ts on the host target)
// and the display (the SDK's display setup, or the simulator) are globals by the time main runs.
const { device, screen } = globalThis as unknown as { device: DeviceProvider; screen: object };
// Poco queues one command per glyph: a full screen of text needs more than its 1 KiB default.
const poco = new Poco(screen, { displayListLength: 8192 });
const display = new PocoDisplay({ poco, font: parseBMF(new Resource(String(config.font))) });

const board = VALIDATOR_BOARD_V1;
const clock = new DeviceClock({ time: Time });
const random = new RngRandom({ rng: RNG });
let storage: FlashStorage | undefined;
try {
  // The ESP32's builtin provider has no flash entry; the SDK module serves.
  storage = openFlashStorage({ flash: device.flash ?? flash, board, random, ticks: () => clock.ticks() });
  const app = new ValidatorApp({
    device,
    board,
    platform: { clock, timers: moddableTimers(Timer), random, verifier: nativeVerifier({ EC, ECPoint, Modular, Digest }) },
    display,
    log: storage.log,
    store: storage.store,
    provisioning: provisioningFromConfig(config),
    settings: { language: config.language === 'en' ? 'en' : 'zh' },
  });
  app.boot();
} catch (e) {
  // A validator that cannot start says why on its screen instead of rebooting in a loop.
  storage?.close();
  display.show({ tone: ScreenTone.WARNING, lines: [TEXT.fault.zh, TEXT.fault.en, e instanceof Error ? e.message : String(e)] });
}
