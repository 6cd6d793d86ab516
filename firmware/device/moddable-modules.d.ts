/*
 * The SDK modules main.ts uses for the back-office sync, declared as
 * narrowly as they are used, like those in ../types/embedded.d.ts (which
 * could take these in; they are here to keep the sync's device wiring in one
 * folder).
 */
declare module 'embedded:network/interface/wifi' {
  const WiFi: import('./wifi-station.js').ModdableWiFiConstructor;
  export default WiFi;
}
declare module 'instrumentation' {
  const Instrumentation: import('./instrumentation-heap.js').ModdableInstrumentation;
  export default Instrumentation;
}
