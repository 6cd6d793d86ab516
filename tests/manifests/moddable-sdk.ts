/**
 * What the Moddable SDK gives our manifests, as read from the SDK's sources
 * at SDK_COMMIT (Moddable-OpenSource/moddable). CI has no SDK checkout, so
 * the manifest tests check our manifests against this record; when the SDK
 * is upgraded, re-read the files named here and update the record.
 */

export const SDK_COMMIT = '48ee02d8cfe0dccb51ee2465cf6716b3468684a4';

/** The platforms our manifests build for. */
export const PLATFORMS = ['esp32', 'mac', 'lin', 'win'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * Every SDK file our manifests name, as a path under $(MODDABLE); each
 * existed at SDK_COMMIT. Directory wildcards in our manifests are expanded
 * against this list, so it holds every file of such a directory.
 */
export const SDK_FILES: readonly string[] = Object.freeze([
  'examples/manifest_base.json',
  'examples/manifest_commodetto.json',
  'modules/io/manifest.json',
  'modules/io/serial/manifest.json',
  'modules/io/flash/manifest.json',
  'modules/crypt/digest/manifest.json',
  'modules/drivers/ili9341/manifest.json',
  'modules/base/instrumentation/manifest.json',
  'examples/io/tcp/mqttclient/manifest_mqttclient.json',
  // modules/crypt/arith/*, the whole directory
  'modules/crypt/arith/ec.c',
  'modules/crypt/arith/ec.js',
  'modules/crypt/arith/ecp.js',
  'modules/crypt/arith/modular.c',
  'modules/crypt/arith/modular.js',
  'modules/crypt/arith/mont.c',
  'modules/crypt/arith/mont.js',
  'modules/crypt/arith/xsBigIntEx.c',
  'modules/crypt/arith/xsBigIntEx.h',
  'modules/crypt/etc/rng.c',
  'modules/crypt/etc/rng.js',
]);

/**
 * Module specifiers an SDK manifest provides, with its own includes, per
 * platform: only the ones the firmware imports or declares, each traced to
 * where the SDK maps it.
 */
export const SDK_PROVIDES: Readonly<Record<string, Readonly<Partial<Record<Platform, readonly string[]>>>>> = Object.freeze({
  // time and timer: build/devices/esp32/manifest.json on the ESP32, build/simulators/manifest.json
  // on the desktop; Resource: modules/files/resource/manifest.json.
  'examples/manifest_base.json': {
    esp32: ['time', 'timer', 'Resource'],
    mac: ['time', 'timer', 'Resource'],
    lin: ['time', 'timer', 'Resource'],
    win: ['time', 'timer', 'Resource'],
  },
  // commodetto/* from $(COMMODETTO); also the display setup that creates `screen` on devices.
  'examples/manifest_commodetto.json': {
    esp32: ['commodetto/Poco', 'commodetto/parseBMF'],
    mac: ['commodetto/Poco', 'commodetto/parseBMF'],
    lin: ['commodetto/Poco', 'commodetto/parseBMF'],
    win: ['commodetto/Poco', 'commodetto/parseBMF'],
  },
  // manifests/esp32: digital, pwm, serial (and `system`, which sets globalThis.device from
  // embedded:provider/builtin and globalThis.System with restart()), and on the ESP32
  // examples/manifest_net.json with modules/io/wifi (embedded:network/interface/wifi, and
  // setup/network, which joins config.ssid before main runs); manifests/mac and lin include
  // serial; win includes none of them.
  'modules/io/manifest.json': {
    esp32: ['embedded:io/serial', 'embedded:io/digital', 'embedded:io/pwm', 'embedded:provider/builtin', 'embedded:network/interface/wifi'],
    mac: ['embedded:io/serial'],
    lin: ['embedded:io/serial'],
    win: [],
  },
  'modules/io/serial/manifest.json': {
    esp32: ['embedded:io/serial'],
    mac: ['embedded:io/serial'],
    lin: ['embedded:io/serial'],
    win: ['embedded:io/serial'],
  },
  // flash/esp32 and flash/mac only: Linux and Windows have no flash module.
  'modules/io/flash/manifest.json': {
    esp32: ['embedded:storage/flash'],
    mac: ['embedded:storage/flash'],
  },
  'modules/crypt/digest/manifest.json': {
    esp32: ['crypt'],
    mac: ['crypt'],
    lin: ['crypt'],
    win: ['crypt'],
  },
  'modules/drivers/ili9341/manifest.json': {
    esp32: ['ili9341'],
  },
  // modules/base/instrumentation/instrumentation.js; its counters read undefined unless the
  // build is instrumented (MODINSTRUMENTATION: debug builds, or INSTRUMENT=1).
  'modules/base/instrumentation/manifest.json': {
    esp32: ['instrumentation'],
    mac: ['instrumentation'],
    lin: ['instrumentation'],
    win: ['instrumentation'],
  },
  // The SDK's ECMA-419 MQTT client (mqttclient.js) and the preloaded mqttclient/config, which
  // adds device.network.mqtt = {io: MQTTClient, dns (UDP resolver, server 1.1.1.1), socket: {io: TCP}}
  // to globalThis.device; TCP and UDP come from modules/io/manifests/<platform> on every platform.
  'examples/io/tcp/mqttclient/manifest_mqttclient.json': {
    esp32: ['embedded:network/mqtt/client', 'mqttclient/config'],
    mac: ['embedded:network/mqtt/client', 'mqttclient/config'],
    lin: ['embedded:network/mqtt/client', 'mqttclient/config'],
    win: ['embedded:network/mqtt/client', 'mqttclient/config'],
  },
});

/** Modules mcconfig generates for every build. */
export const BUILD_GENERATED: readonly string[] = Object.freeze(['mc/config']);
