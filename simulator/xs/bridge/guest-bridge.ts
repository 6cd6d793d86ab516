/**
 * The XS side of the I/O bridge: proxy classes and objects, built from the
 * BridgedInterface entries, whose methods are synchronous calls to the host
 * bridge on Node. To the firmware a proxy is the ECMA-419 class it expects:
 * options copied at construction, callbacks run with `this` the instance,
 * statics (Digital.Input) in place, buffers filled where the interface says.
 */
import { bufferBytes } from '../../host/buffer-bytes.js';
import type { GuestChannel } from '../guest/channel.js';
import {
  BRIDGED, BridgeOp, isMark,
  type BridgedInterface, type ClassMark, type FunctionMark, type ObjectMark, type OpaqueMark,
} from './spec.js';

interface Callback {
  readonly fn: (...args: unknown[]) => unknown;
  /** `this` for the call: the proxy whose constructor options held it. */
  readonly self: unknown;
}

type AnyFunction = (...args: unknown[]) => unknown;

export class GuestBridge {
  readonly #channel: GuestChannel;
  /** Proxy -> the host object's id. */
  readonly #ids = new WeakMap<object, number>();
  readonly #constants = new WeakMap<object, Readonly<Record<string, unknown>>>();
  readonly #callbacks = new Map<number, Callback>();
  /** Opaque host values: the same id always gives the same token. */
  readonly #tokens = new Map<number, object>();
  readonly #tokenIds = new WeakMap<object, number>();
  readonly #prototypes = new Map<string, object>();
  #nextCallback = 1;

  constructor(channel: GuestChannel) {
    this.#channel = channel;
    channel.serve({
      [BridgeOp.CALLBACK]: (id: number, args: unknown[]) => {
        const callback = this.#callbacks.get(id);
        if (!callback) throw new Error(`bridge: no callback ${id}`);
        return callback.fn.apply(callback.self, args.map((a) => this.materialize(a)));
      },
    });
  }

  /** Data from the host with its marks made into proxies: classes, objects, opaque tokens. */
  materialize(value: unknown): unknown {
    if (isMark(value)) {
      switch (value.$bridge) {
        case 'class':
          return this.#proxyClass(value as ClassMark);
        case 'object':
          return this.#proxyObject(value as ObjectMark);
        case 'opaque':
          return this.#token((value as OpaqueMark).id);
        default:
          throw new Error(`bridge: the host cannot send a ${value.$bridge}`);
      }
    }
    if (Array.isArray(value)) return value.map((v) => this.materialize(v));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) out[key] = this.materialize((value as Record<string, unknown>)[key]);
      return out;
    }
    return value;
  }

  #proxyClass(mark: ClassMark): unknown {
    const iface = this.#interface(mark.interface);
    const bridge = this;
    const Bridged = class {
      constructor(options: Record<string, unknown>) {
        if (typeof options !== 'object' || options === null) throw new TypeError(`${iface.name}: options object required`);
        // Copied once, as Moddable's classes do: later changes to the caller's object do not reach the host.
        const sent: Record<string, unknown> = {};
        for (const key of Object.keys(options)) sent[key] = bridge.#send(options[key], this);
        bridge.#bind(this, bridge.#channel.callHost(BridgeOp.NEW, mark.id, sent) as ObjectMark);
      }
    };
    Object.defineProperty(Bridged, 'name', { value: iface.name });
    Object.setPrototypeOf(Bridged.prototype, this.#prototype(iface));
    for (const name of iface.statics ?? []) Object.defineProperty(Bridged, name, { value: mark.statics[name], enumerable: true });
    return Object.freeze(Bridged);
  }

  #proxyObject(mark: ObjectMark): object {
    const proxy = Object.create(this.#prototype(this.#interface(mark.interface))) as object;
    this.#bind(proxy, mark);
    return proxy;
  }

  #bind(proxy: object, mark: ObjectMark): void {
    this.#ids.set(proxy, mark.id);
    this.#constants.set(proxy, mark.constants);
  }

  /** The members every proxy of an interface shares. */
  #prototype(iface: BridgedInterface): object {
    let proto = this.#prototypes.get(iface.name);
    if (proto) return proto;
    const bridge = this;
    proto = {};
    for (const method of iface.methods) {
      Object.defineProperty(proto, method, {
        value: function (this: object, ...args: unknown[]): unknown {
          return bridge.#invoke(this, iface, method, args);
        },
      });
    }
    for (const name of iface.constants ?? []) {
      Object.defineProperty(proto, name, {
        get(this: object): unknown {
          return bridge.#constants.get(this)?.[name];
        },
      });
    }
    for (const name of iface.properties ?? []) {
      Object.defineProperty(proto, name, {
        get(this: object): unknown {
          return bridge.#channel.callHost(BridgeOp.GET, bridge.#id(this, iface), name);
        },
        set(this: object, value: unknown) {
          bridge.#channel.callHost(BridgeOp.SET, bridge.#id(this, iface), name, value);
        },
      });
    }
    Object.freeze(proto);
    this.#prototypes.set(iface.name, proto);
    return proto;
  }

  #invoke(proxy: object, iface: BridgedInterface, method: string, args: unknown[]): unknown {
    const sent = args.map((a) => this.#send(a, undefined));
    const { value, filled } = this.#channel.callHost(BridgeOp.CALL, this.#id(proxy, iface), method, sent) as { value: unknown; filled?: unknown[] };
    if (filled) filled.forEach((bytes, i) => bytes !== undefined && copyInto(args[i], bytes));
    return this.materialize(value);
  }

  #id(proxy: object, iface: BridgedInterface): number {
    const id = this.#ids.get(proxy);
    if (id === undefined) throw new TypeError(`${iface.name}: not a bridged object`);
    return id;
  }

  /** A value for the host: functions become callbacks, proxies and tokens their ids. */
  #send(value: unknown, self: unknown): unknown {
    if (typeof value === 'function') {
      const id = this.#nextCallback++;
      this.#callbacks.set(id, { fn: value as AnyFunction, self });
      return { $bridge: 'function', id } satisfies FunctionMark;
    }
    if (typeof value === 'object' && value !== null) {
      const id = this.#ids.get(value);
      if (id !== undefined) return { $bridge: 'object', id, interface: '', constants: {} } satisfies ObjectMark;
      const token = this.#tokenIds.get(value);
      if (token !== undefined) return { $bridge: 'opaque', id: token } satisfies OpaqueMark;
    }
    return value;
  }

  #token(id: number): object {
    let token = this.#tokens.get(id);
    if (!token) {
      token = Object.freeze({});
      this.#tokens.set(id, token);
      this.#tokenIds.set(token, id);
    }
    return token;
  }

  #interface(name: string): BridgedInterface {
    const iface = BRIDGED[name];
    if (!iface) throw new Error(`bridge: unknown interface ${name}`);
    return iface;
  }
}

/** Copies the host's bytes back into the guest's buffer (an ArrayBuffer or a view of one). */
function copyInto(target: unknown, bytes: unknown): void {
  const dest = bufferBytes(target);
  const src = bufferBytes(bytes);
  if (!dest || !src) return;
  dest.set(src.subarray(0, dest.byteLength));
}

