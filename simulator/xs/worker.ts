/**
 * A real XS engine to run bundles in, and calls both ways between Node and
 * the code inside it: Node calls what the guest serves (guest/channel.ts
 * serve()), the guest calls the host with callHost(), each call answered
 * synchronously with data (wire.ts). Errors cross too: a throw on one side
 * is rethrown on the other with its name, message and the far side's stack.
 *
 *   const worker = new XsWorker({ onHostCall(op, args) { ... } });
 *   try {
 *     worker.evaluate(bundleForXs('tests/xs/entries/vectors.ts').code);
 *     worker.call('runVector', text);
 *   } finally {
 *     worker.close();
 *   }
 */
import { bundleForXs } from './bundle.js';
import { decodeWire, encodeWire } from './wire.js';
import { XsnapError, XsnapProcess } from './xsnap-process.js';

export { XsnapError } from './xsnap-process.js';

export interface XsWorkerOptions {
  readonly name?: string;
  /** Answers the guest's callHost(op, ...args): return data, or throw to throw in XS. */
  readonly onHostCall?: (this: XsWorker, op: string, args: unknown[]) => unknown;
  /**
   * Keep the globals xsnap adds for its own hosts (print, issueCommand,
   * performance, TextEncoder, TextDecoder, Base64, harden, setImmediate, gc,
   * meter controls). Default false: the prelude removes them before anything
   * else runs, since a Moddable device build has none of them, and a module
   * that used one would pass here and fail on the validator.
   */
  readonly xsnapGlobals?: boolean;
  /** See XsnapProcessOptions.computeLimit. */
  readonly computeLimit?: number;
}

/** An error thrown inside XS, rethrown on Node. */
export class XsError extends Error {
  /** The stack inside XS, as XS reports it. */
  readonly xsStack: string | undefined;

  constructor(name: string, message: string, xsStack: string | undefined) {
    super(message);
    this.name = name;
    this.xsStack = xsStack;
    if (xsStack) this.stack = `${name}: ${message}\n    (in XS)\n${xsStack}\n    (on Node)\n${(this.stack ?? '').split('\n').slice(1).join('\n')}`;
  }
}

/** An error as it crosses the channel. */
export interface WireErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type WireReply = { readonly value: unknown } | { readonly error: WireErrorInfo };

export function describeError(e: unknown): WireErrorInfo {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

export class XsWorker {
  readonly #process: XsnapProcess;
  readonly #onHostCall: XsWorkerOptions['onHostCall'];

  constructor(options: XsWorkerOptions = {}) {
    const o = { ...options };
    this.#onHostCall = o.onHostCall;
    this.#process = new XsnapProcess({
      name: o.name,
      computeLimit: o.computeLimit,
      onQuery: (request) => this.#answer(request),
    });
    if (!o.xsnapGlobals) {
      try {
        this.evaluate(bundleForXs('simulator/xs/guest/prelude.ts').code);
      } catch (e) {
        this.close();
        throw e;
      }
    }
  }

  get name(): string {
    return this.#process.name;
  }

  /** What XS printed (trace, print) and what the worker wrote to stderr. */
  get output(): string {
    return this.#process.output;
  }

  get closed(): boolean {
    return this.#process.closed;
  }

  /** Settles once the worker's process has exited (after close(), or if it died). */
  get exited(): Promise<void> {
    return this.#process.exited;
  }

  /** Runs a script (such as a bundle) at global level. A throw in it becomes an XsnapError with XS's message. */
  evaluate(code: string): void {
    this.#process.evaluate(code);
  }

  /** Calls an operation the loaded bundle serves; returns its result or rethrows its error as an XsError. */
  call(op: string, ...args: unknown[]): unknown {
    const reply = this.#process.command(encodeWire({ op, args }));
    let decoded: WireReply;
    try {
      decoded = decodeWire(reply) as WireReply;
    } catch (e) {
      throw new XsnapError(`${this.name}: ${op}: the guest's reply is not a message (${(e as Error).message}); is a bundle serving calls loaded?`, this.output);
    }
    if ('error' in decoded) throw new XsError(decoded.error.name, decoded.error.message, decoded.error.stack);
    return decoded.value;
  }

  /** Ends the worker; idempotent. */
  close(): void {
    this.#process.close();
  }

  /** Never throws: XS waits for an answer, so a failure must become one. */
  #answer(request: Uint8Array): Uint8Array {
    try {
      const { op, args } = decodeWire(request) as { op: string; args: unknown[] };
      if (!this.#onHostCall) throw new Error(`no host operations: ${op}`);
      return encodeWire({ value: this.#onHostCall.call(this, op, args) });
    } catch (e) {
      return encodeWire({ error: describeError(e) });
    }
  }
}
