/**
 * Ambient declarations of the embedded: modules for device builds (the
 * Moddable SDK resolves these specifiers). Firmware code normally gets the
 * classes from the `device` provider instead; see ecma419.ts.
 */
declare module 'embedded:io/serial' {
  const Serial: import('./ecma419.js').SerialConstructor;
  export default Serial;
}
declare module 'embedded:io/digital' {
  const Digital: import('./ecma419.js').DigitalConstructor;
  export default Digital;
}
declare module 'embedded:io/pwm' {
  const PWM: import('./ecma419.js').PWMConstructor;
  export default PWM;
}
declare module 'embedded:storage/flash' {
  const flash: import('./ecma419.js').FlashProvider;
  export default flash;
}
/*
 * Moddable SDK modules the device entry point (firmware/main.ts) and the
 * host-target adapters use, declared as narrowly as they are used. The
 * adapters in firmware/device/ take these as options, so only the entry
 * points import them.
 */
declare module 'mc/config' {
  /** The manifest's `config`, merged with key=value arguments to mcconfig; frozen. */
  const config: Readonly<Record<string, unknown>>;
  export default config;
}
declare module 'timer' {
  const Timer: import('../device/moddable-timers.js').ModdableTimer;
  export default Timer;
}
declare module 'time' {
  const Time: import('../device/device-clock.js').ModdableTime;
  export default Time;
}
declare module 'rng' {
  const RNG: import('../device/rng-random.js').ModdableRng;
  export default RNG;
}
declare module 'ec' {
  const EC: import('../device/native-verifier.js').NativeCrypto['EC'];
  export default EC;
}
declare module 'ecp' {
  const ECPoint: import('../device/native-verifier.js').NativeCrypto['ECPoint'];
  export default ECPoint;
}
declare module 'modular' {
  const Modular: import('../device/native-verifier.js').NativeCrypto['Modular'];
  export default Modular;
}
declare module 'crypt' {
  export const Digest: import('../device/native-verifier.js').NativeCrypto['Digest'];
}
declare module 'Resource' {
  /** Read-only bytes of a resource built into the app (a font, an image). */
  const Resource: new (path: string) => ArrayBuffer;
  export default Resource;
}
declare module 'commodetto/parseBMF' {
  export default function parseBMF(buffer: ArrayBuffer): import('../device/poco-display.js').PocoFont;
}
declare module 'commodetto/Poco' {
  /** `screen` (PixelsOut) is the global the SDK's setup module or the simulator creates. */
  const Poco: new (pixelsOut: object, options?: { readonly displayListLength?: number }) => import('../device/poco-display.js').PocoRenderer;
  export default Poco;
}
