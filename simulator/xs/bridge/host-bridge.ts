/**
 * The Node side of the I/O bridge: serves the guest's calls on the
 * simulator's real models (the Serial, Digital and PWM classes of the host
 * provider, the flash chip, the clock, timers, display) and turns the
 * callbacks those models make (onReadable, a timer firing, a button edge)
 * into calls into XS.
 *
 * The models already post every callback as a HostLoop task, never from
 * inside a call the firmware makes, so a callback reaches XS only while XS
 * is idle, as on the device. (A model that called back synchronously would
 * make XsnapProcess throw: XS cannot take a call while it waits on one.)
 */
import type { DeviceProvider } from '../../../firmware/types/ecma419.js';
import {
  BRIDGED, BridgeOp, DEVICE_IO, DEVICE_NETWORK, FLASH, isMark,
  type BridgedInterface, type ClassMark, type FunctionMark, type ObjectMark, type OpaqueMark,
} from './spec.js';

export interface HostBridgeOptions {
  /** Calls an operation the guest serves (XsWorker.call). */
  readonly callGuest: (op: string, ...args: unknown[]) => unknown;
}

interface Exported {
  readonly iface: BridgedInterface;
  readonly target: object;
}

type Constructor = new (options: Record<string, unknown>) => object;

/** A board provider, with the client classes of `device.network` where the board has them. */
export type BridgeableDevice = DeviceProvider & {
  readonly network?: Readonly<Record<string, { readonly io: new (options: never) => object } | undefined>>;
};

export class HostBridge {
  readonly #callGuest: HostBridgeOptions['callGuest'];
  readonly #classes = new Map<number, { iface: BridgedInterface; Class: Constructor }>();
  readonly #objects = new Map<number, Exported>();
  readonly #opaque = new Map<number, unknown>();
  #nextId = 1;

  constructor(options: HostBridgeOptions) {
    this.#callGuest = options.callGuest;
  }

  /** Whether `op` is one of the bridge's (see handle()). */
  static serves(op: string): boolean {
    return op === BridgeOp.NEW || op === BridgeOp.CALL || op === BridgeOp.GET || op === BridgeOp.SET;
  }

  /** A class the guest may construct: the guest gets a proxy class with the same statics. */
  exportClass(iface: BridgedInterface, Class: new (options: never) => object): ClassMark {
    const id = this.#nextId++;
    this.#classes.set(id, { iface, Class: Class as unknown as Constructor });
    const statics: Record<string, unknown> = {};
    for (const name of iface.statics ?? []) statics[name] = (Class as unknown as Record<string, unknown>)[name];
    return { $bridge: 'class', id, interface: iface.name, statics };
  }

  /** An object the guest may call: the guest gets a proxy object. */
  exportObject(iface: BridgedInterface, target: object): ObjectMark {
    const id = this.#nextId++;
    this.#objects.set(id, { iface, target });
    const constants: Record<string, unknown> = {};
    for (const name of iface.constants ?? []) constants[name] = (target as Record<string, unknown>)[name];
    return { $bridge: 'object', id, interface: iface.name, constants };
  }

  /**
   * A board provider as the guest sees it: every class of `device.io` that
   * DEVICE_IO names, the flash chip, the pin numbers as data, and for each
   * provider of `device.network` that DEVICE_NETWORK names, `{ io: class }`.
   */
  exportDevice(device: BridgeableDevice): unknown {
    const io: Record<string, ClassMark> = {};
    for (const [name, Class] of Object.entries(device.io)) {
      const iface = DEVICE_IO[name];
      if (!iface) throw new Error(`bridge: no BridgedInterface for device.io.${name}; add one to bridge/spec.ts`);
      io[name] = this.exportClass(iface, Class as new (options: never) => object);
    }
    const exported = { io, flash: device.flash && this.exportObject(FLASH, device.flash), pin: device.pin };
    if (!device.network) return exported;
    const network: Record<string, { io: ClassMark }> = {};
    for (const [name, provider] of Object.entries(device.network)) {
      if (!provider) continue;
      const iface = DEVICE_NETWORK[name];
      if (!iface) throw new Error(`bridge: no BridgedInterface for device.network.${name}; add one to bridge/spec.ts`);
      network[name] = { io: this.exportClass(iface, provider.io) };
    }
    return { ...exported, network };
  }

  /** Serves one of the guest bridge's calls. */
  handle(op: string, args: readonly unknown[]): unknown {
    switch (op) {
      case BridgeOp.NEW: {
        const [classId, options] = args as [number, Record<string, unknown>];
        const c = this.#classes.get(classId);
        if (!c) throw new Error(`bridge: no class ${classId}`);
        const copied: Record<string, unknown> = {};
        for (const key of Object.keys(options)) copied[key] = this.#in(options[key]);
        return this.exportObject(c.iface, new c.Class(copied));
      }
      case BridgeOp.CALL: {
        const [objectId, method, sent] = args as [number, string, unknown[]];
        const { iface, target } = this.#object(objectId);
        if (!iface.methods.includes(method)) throw new TypeError(`${iface.name}: no method ${method}`);
        const received = sent.map((a) => this.#in(a));
        const result = (target as Record<string, (...a: unknown[]) => unknown>)[method](...received);
        const value = this.#out(iface.returns?.[method], result);
        if (!iface.fills?.includes(method)) return { value };
        return { value, filled: received.map((a) => (a instanceof ArrayBuffer || ArrayBuffer.isView(a) ? a : undefined)) };
      }
      case BridgeOp.GET: {
        const [objectId, name] = args as [number, string];
        const { iface, target } = this.#object(objectId);
        if (!iface.properties?.includes(name)) throw new TypeError(`${iface.name}: no property ${name}`);
        return (target as Record<string, unknown>)[name];
      }
      case BridgeOp.SET: {
        const [objectId, name, value] = args as [number, string, unknown];
        const { iface, target } = this.#object(objectId);
        if (!iface.properties?.includes(name)) throw new TypeError(`${iface.name}: no property ${name}`);
        (target as Record<string, unknown>)[name] = value;
        return undefined;
      }
      default:
        throw new Error(`bridge: unknown operation ${op}`);
    }
  }

  #object(id: number): Exported {
    const o = this.#objects.get(id);
    if (!o) throw new Error(`bridge: no object ${id}`);
    return o;
  }

  /** A value from the guest: its functions become callers into XS, its marks the host values they stand for. */
  #in(value: unknown): unknown {
    if (!isMark(value)) return value;
    switch (value.$bridge) {
      case 'function': {
        const id = (value as FunctionMark).id;
        const callGuest = this.#callGuest;
        return (...args: unknown[]) => callGuest(BridgeOp.CALLBACK, id, args.map(callbackArgument));
      }
      case 'object':
        return this.#object((value as ObjectMark).id).target;
      case 'opaque': {
        const id = (value as OpaqueMark).id;
        if (!this.#opaque.has(id)) throw new Error(`bridge: no opaque value ${id}`);
        return this.#opaque.get(id);
      }
      default:
        throw new Error(`bridge: the guest cannot send a ${value.$bridge}`);
    }
  }

  /** A method's result: data as it is, or a host object (by the interface's `returns`) as a mark. */
  #out(returns: string | undefined, result: unknown): unknown {
    if (returns === undefined || result === undefined || result === null) return result;
    if (returns === 'opaque') {
      const id = this.#nextId++;
      this.#opaque.set(id, result);
      return { $bridge: 'opaque', id } satisfies OpaqueMark;
    }
    const iface = BRIDGED[returns];
    if (!iface) throw new Error(`bridge: unknown interface ${returns}`);
    return this.exportObject(iface, result as object);
  }
}

/**
 * An argument a host model passes to a guest callback. Errors are not data
 * (onError(error) from the MQTT client): they cross as their name and
 * message, which is all a firmware callback can use of them.
 */
function callbackArgument(value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
