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
