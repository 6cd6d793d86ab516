/**
 * What the bridge carries between firmware in XS and the simulator's models
 * on Node, one entry per interface. Both sides read these: the guest builds
 * proxy classes and objects from them, the host serves only what they list.
 *
 * Bridging another I/O class is one entry here, one line in DEVICE_IO (or
 * DEVICE_NETWORK, for the providers under `device.network`), and the host
 * class passed to exportDevice(): method calls, constructor callbacks
 * (onReadable...), statics and buffers all cross by these rules.
 */

export interface BridgedInterface {
  /** Shown in errors; also the proxy class's name. */
  readonly name: string;
  /** Methods the guest may call; their arguments and results must be data, functions (callbacks) or bridged objects. */
  readonly methods: readonly string[];
  /** Instance properties that never change after construction: read once, with the constructor's answer. */
  readonly constants?: readonly string[];
  /** Instance properties read (and written) on the host each time. */
  readonly properties?: readonly string[];
  /** Static properties of the class (constants such as Digital.Input), copied once. */
  readonly statics?: readonly string[];
  /** Methods that fill buffers they are given (Flash read(buffer, offset)): the host's bytes are copied back into the guest's buffers. */
  readonly fills?: readonly string[];
  /**
   * Methods whose result is a host object rather than data: the name of its
   * BridgedInterface (flash.open() gives a partition), or 'opaque' for a
   * token the guest can only hand back (a timer id).
   */
  readonly returns?: Readonly<Record<string, string>>;
}

// ECMA-419 I/O (firmware/types/ecma419.ts)

export const SERIAL: BridgedInterface = Object.freeze({
  name: 'Serial',
  methods: Object.freeze(['read', 'write', 'close']),
  properties: Object.freeze(['format']),
});

export const DIGITAL: BridgedInterface = Object.freeze({
  name: 'Digital',
  methods: Object.freeze(['read', 'write', 'close']),
  constants: Object.freeze(['format']),
  statics: Object.freeze(['Input', 'InputPullUp', 'InputPullDown', 'InputPullUpDown', 'Output', 'OutputOpenDrain', 'Rising', 'Falling']),
});

export const PWM: BridgedInterface = Object.freeze({
  name: 'PWM',
  methods: Object.freeze(['write', 'close']),
  constants: Object.freeze(['format', 'resolution', 'hz']),
});

export const FLASH: BridgedInterface = Object.freeze({
  name: 'Flash',
  methods: Object.freeze(['open']),
  returns: Object.freeze({ open: 'FlashPartition' }),
});

export const FLASH_PARTITION: BridgedInterface = Object.freeze({
  name: 'FlashPartition',
  methods: Object.freeze(['read', 'write', 'eraseBlock', 'status', 'close']),
  constants: Object.freeze(['format']),
  fills: Object.freeze(['read']),
});

/** The classes of `device.io`, by the name the provider gives them. */
export const DEVICE_IO: Readonly<Record<string, BridgedInterface>> = Object.freeze({ Serial: SERIAL, Digital: DIGITAL, PWM });

// Network (firmware/types/mqtt.ts)

/**
 * The MQTT client, Moddable's ECMA-419 shape. read() gives an ArrayBuffer
 * and write() takes bytes (or null) and an options object: all data. The
 * statics are the operation numbers (MQTTClient.CONNACK...).
 */
export const MQTT_CLIENT: BridgedInterface = Object.freeze({
  name: 'MqttClient',
  methods: Object.freeze(['write', 'read', 'close']),
  statics: Object.freeze([
    'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP',
    'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT',
  ]),
});

/**
 * The client classes of `device.network`, by provider: the guest sees
 * `device.network.mqtt` as `{ io: <proxy class> }`. Whatever else the host's
 * provider needs (a loop, a socket factory) stays on the host, bound into
 * the class it exports.
 */
export const DEVICE_NETWORK: Readonly<Record<string, BridgedInterface>> = Object.freeze({ mqtt: MQTT_CLIENT });

// Platform services (firmware/platform/) and the display

export const CLOCK: BridgedInterface = Object.freeze({ name: 'Clock', methods: Object.freeze(['now', 'ticks', 'uncertainty', 'source']) });

export const TIMERS: BridgedInterface = Object.freeze({
  name: 'Timers',
  methods: Object.freeze(['set', 'clear']),
  returns: Object.freeze({ set: 'opaque' }),
});

export const RANDOM: BridgedInterface = Object.freeze({ name: 'Random', methods: Object.freeze(['bytes']) });

export const UPLINK: BridgedInterface = Object.freeze({ name: 'Uplink', methods: Object.freeze(['state', 'syncNow']) });

export const VERIFIER: BridgedInterface = Object.freeze({ name: 'Verifier', methods: Object.freeze(['verify']) });

export const TEXT_DISPLAY: BridgedInterface = Object.freeze({ name: 'TextDisplay', methods: Object.freeze(['show', 'close']) });

/** The simulated CPU: a cost model charges time for work XS does (HostLoop.cpu). */
export const CPU: BridgedInterface = Object.freeze({ name: 'Cpu', methods: Object.freeze(['cpu']) });

/** Every interface, by name, for objects a method returns. */
export const BRIDGED: Readonly<Record<string, BridgedInterface>> = Object.freeze(
  Object.fromEntries([SERIAL, DIGITAL, PWM, FLASH, FLASH_PARTITION, MQTT_CLIENT, CLOCK, TIMERS, RANDOM, UPLINK, VERIFIER, TEXT_DISPLAY, CPU].map((i) => [i.name, i])),
);

// What crosses for a bridged object or function (plain data, so wire.ts carries it).

/** A class the host exports: the guest makes a proxy class of it. */
export interface ClassMark {
  readonly $bridge: 'class';
  readonly id: number;
  readonly interface: string;
  readonly statics: Readonly<Record<string, unknown>>;
}

/** A host object: the guest makes a proxy object for it. */
export interface ObjectMark {
  readonly $bridge: 'object';
  readonly id: number;
  readonly interface: string;
  readonly constants: Readonly<Record<string, unknown>>;
}

/** A host value the guest may only hand back (a timer id). */
export interface OpaqueMark {
  readonly $bridge: 'opaque';
  readonly id: number;
}

/** A guest function the host may call (a callback option, a timer's callback). */
export interface FunctionMark {
  readonly $bridge: 'function';
  readonly id: number;
}

export type BridgeMark = ClassMark | ObjectMark | OpaqueMark | FunctionMark;

export function isMark(value: unknown): value is BridgeMark {
  return typeof value === 'object' && value !== null && typeof (value as { $bridge?: unknown }).$bridge === 'string';
}

/** The host operations the guest bridge calls, and the guest operation the host calls back. */
export const BridgeOp = Object.freeze({
  NEW: 'bridge.new',
  CALL: 'bridge.call',
  GET: 'bridge.get',
  SET: 'bridge.set',
  CALLBACK: 'bridge.callback',
} as const);
