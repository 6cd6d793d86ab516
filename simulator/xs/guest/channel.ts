/**
 * The guest side of XsWorker's calls: serve() answers Node's
 * worker.call(op, ...args); callHost() calls Node's onHostCall and blocks
 * until it answers. Values cross as wire.ts data; a throw on either side is
 * rethrown on the other with its name and message.
 */
import { decodeWire, encodeWire } from '../wire.js';
import { xsnapHost } from './host.js';

export type GuestOperation = (...args: never[]) => unknown;

interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

const STANDARD_ERRORS: Readonly<Record<string, ErrorConstructor>> = Object.freeze({
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
});

export class GuestChannel {
  readonly #operations = new Map<string, (...args: unknown[]) => unknown>();
  readonly #issueCommand: (request: ArrayBuffer) => ArrayBuffer;

  constructor() {
    this.#issueCommand = xsnapHost().issueCommand;
    const operations = this.#operations;
    // xsnap calls the global handleCommand with each command Node issues.
    (globalThis as unknown as { handleCommand: (request: ArrayBuffer) => ArrayBuffer }).handleCommand = (request) => {
      let reply: unknown;
      try {
        const { op, args } = decodeWire(new Uint8Array(request)) as { op: string; args: unknown[] };
        const operation = operations.get(op);
        if (!operation) throw new Error(`XS serves no operation "${op}"`);
        reply = { value: operation(...args) };
      } catch (e) {
        reply = { error: describe(e) };
      }
      try {
        return encodeWire(reply).buffer as ArrayBuffer;
      } catch (e) {
        return encodeWire({ error: describe(e) }).buffer as ArrayBuffer;
      }
    };
  }

  /** Adds operations Node may call. */
  serve(operations: Readonly<Record<string, GuestOperation>>): void {
    for (const name of Object.keys(operations)) {
      if (this.#operations.has(name)) throw new Error(`operation "${name}" is served already`);
      this.#operations.set(name, operations[name] as (...args: unknown[]) => unknown);
    }
  }

  /** Calls the host; returns its answer or throws its error. */
  callHost(op: string, ...args: unknown[]): unknown {
    const reply = decodeWire(new Uint8Array(this.#issueCommand(encodeWire({ op, args }).buffer as ArrayBuffer))) as { value?: unknown; error?: ErrorInfo };
    if (reply.error) throw rebuild(reply.error);
    return reply.value;
  }
}

function describe(e: unknown): ErrorInfo {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: typeof e.stack === 'string' ? e.stack : undefined };
  return { name: 'Error', message: String(e) };
}

/** The host's error as an error of the same name here; its Node stack goes along as `hostStack`. */
function rebuild(info: ErrorInfo): Error {
  const Standard = STANDARD_ERRORS[info.name];
  const error = Standard ? new Standard(info.message) : new Error(info.message);
  if (!Standard) error.name = info.name;
  if (info.stack) Object.defineProperty(error, 'hostStack', { value: info.stack });
  return error;
}
