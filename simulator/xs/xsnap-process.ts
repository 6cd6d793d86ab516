/**
 * One xsnap worker process (the real Moddable XS engine that @agoric/xsnap
 * builds at install) and its command channel, driven synchronously.
 *
 * xsnap speaks netstrings on two descriptors: the host sends on fd 3
 * (`e<code>` evaluate, `?<bytes>` a command for the guest's handleCommand,
 * `q` quit) and reads fd 4 (`.<meter>\x01<reply>` done, `!<text>` uncaught
 * exception, `?<bytes>` the guest calling issueCommand, answered with
 * `/<bytes>`). The guest's issueCommand blocks XS until the answer comes.
 *
 * We do not use @agoric/xsnap's JavaScript API: it is asynchronous and needs
 * SES's harden() installed in the host. The simulator's HostLoop is
 * synchronous: a callback delivered into XS, with every I/O call it makes
 * answered by the hardware models, must finish before the loop's next step.
 * So the channel runs over named pipes read with blocking reads, and the
 * guest's output goes to a file (a pipe nobody drains while we block could
 * fill up and stall XS).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** xsnap-worker's exit codes (its api.js ErrorMessage table). */
const EXIT_MEANING: Readonly<Record<number, string>> = Object.freeze({
  1: 'bad argument usage',
  2: 'I/O error',
  11: 'not enough memory',
  12: 'stack overflow',
  15: 'unhandled exception',
  16: 'property (key) name space exhausted',
  17: 'too much computation',
});

/** How much of the worker's output an error message quotes. */
const OUTPUT_TAIL = 4000;
const OPEN_TIMEOUT_MS = 10_000;

export class XsnapError extends Error {
  /** What the worker printed (stdout and stderr), for the failure report. */
  readonly output: string;

  constructor(message: string, output: string) {
    const tail = output.length > OUTPUT_TAIL ? '...' + output.slice(-OUTPUT_TAIL) : output;
    super(tail.trim() ? `${message}\n--- XS output ---\n${tail.trimEnd()}` : message);
    this.name = 'XsnapError';
    this.output = output;
  }
}

/** Where @agoric/xsnap's postinstall put the release build of the worker. */
export function xsnapWorkerPath(): string {
  const platform = process.platform === 'linux' ? 'lin' : process.platform === 'darwin' ? 'mac' : undefined;
  if (!platform) throw new Error(`xsnap does not build on ${process.platform}`);
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('@agoric/xsnap/package.json'));
  } catch {
    throw new Error('@agoric/xsnap is not installed: run npm install');
  }
  const bin = join(packageDir, 'xsnap-native/xsnap/build/bin', platform, 'release/xsnap-worker');
  if (!existsSync(bin)) {
    throw new Error(`the XS engine was not built (${bin} is missing): run \`npm rebuild @agoric/xsnap\` (needs a C compiler and make; package.json allowScripts lets its postinstall run)`);
  }
  return bin;
}

export interface XsnapProcessOptions {
  /** Shown in errors and `ps`. */
  readonly name?: string;
  /** Answers a command the guest issues. Runs while XS waits; must not call back into XS. */
  readonly onQuery: (request: Uint8Array) => Uint8Array;
  /**
   * xsnap's compute limit per delivery (its -l flag, in XS meter units): a
   * runaway loop then ends the worker with "too much computation" instead of
   * blocking the test forever. Default: none.
   */
  readonly computeLimit?: number;
}

type State = 'idle' | 'running' | 'serving' | 'closed';

/** Workers still running, killed if Node exits without closing them. */
const live = new Set<XsnapProcess>();
let exitHook = false;

export class XsnapProcess {
  readonly name: string;
  readonly #onQuery: (request: Uint8Array) => Uint8Array;
  readonly #dir: string;
  readonly #outputPath: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #toXs = -1;
  #fromXs = -1;
  #buffer = Buffer.alloc(1 << 16);
  #length = 0;
  #state: State = 'idle';

  constructor(options: XsnapProcessOptions) {
    const o = { ...options };
    this.name = o.name ?? 'xs';
    this.#onQuery = o.onQuery;
    const bin = xsnapWorkerPath();
    this.#dir = mkdtempSync(join(tmpdir(), 'xsnap-'));
    const toPath = join(this.#dir, 'to-xs');
    const fromPath = join(this.#dir, 'from-xs');
    this.#outputPath = join(this.#dir, 'output.txt');
    execFileSync('mkfifo', [toPath, fromPath]);
    const output = openSync(this.#outputPath, 'a');
    const limit = o.computeLimit ? ` -l ${Math.floor(o.computeLimit)}` : '';
    // The shell opens the pipes as fds 3 and 4 of the worker, then reports its exit status.
    const script = `"$1" "$2"${limit} 3<"$XS_TO" 4>"$XS_FROM"; echo "xsnap exit status $?" >&2`;
    try {
      this.#child = spawn('/bin/sh', ['-c', script, 'xsnap', bin, this.name], {
        stdio: ['ignore', output, output],
        env: { ...process.env, XS_TO: toPath, XS_FROM: fromPath },
        detached: true, // its own process group, so kill() reaches the worker under the shell
      });
      this.#child.unref();
      this.#exited = new Promise((resolve) => {
        this.#child.once('exit', () => resolve());
        this.#child.once('error', () => resolve()); // a spawn failure also shows as the pipes never opening
      });
    } finally {
      closeSync(output);
    }
    live.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const p of live) p.#kill();
      });
    }
    try {
      this.#toXs = openWriterWhenReady(toPath);
      // The shell opens fd 3 before fd 4: once it reads, its writer end follows at once.
      this.#fromXs = openSync(fromPath, 'r');
    } catch (e) {
      this.#terminate();
      throw new XsnapError(`${this.name}: could not start the XS worker: ${(e as Error).message}`, this.output);
    }
  }

  /** Everything the worker printed so far. */
  get output(): string {
    try {
      return readFileSync(this.#outputPath, 'utf8');
    } catch {
      return '';
    }
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  /** Settles once the worker's process (and the shell around it) has exited and been reaped. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** Evaluates a script at global level; returns the ArrayBuffer it ends with, if any, as bytes. */
  evaluate(code: string): Uint8Array {
    return this.#exchange('e', Buffer.from(code, 'utf8'));
  }

  /** Calls the guest's handleCommand with `message`; returns the ArrayBuffer it returns, as bytes. */
  command(message: Uint8Array): Uint8Array {
    return this.#exchange('?', message);
  }

  /** Asks the worker to quit and waits until it has; idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    if (this.#state !== 'idle') throw new XsnapError(`${this.name}: close() while XS is running`, '');
    try {
      this.#send('q', new Uint8Array(0));
      // The worker closes its end when it exits.
      while (this.#fill()) this.#length = 0;
    } catch {
      // Gone already: nothing to wait for.
    }
    this.#terminate();
  }

  #exchange(kind: string, body: Uint8Array): Uint8Array {
    if (this.#state === 'closed') throw new XsnapError(`${this.name}: the XS worker is closed`, '');
    if (this.#state === 'serving') {
      throw new XsnapError(`${this.name}: a call into XS while XS waits for the host's answer; a host model must queue such callbacks as loop tasks`, '');
    }
    if (this.#state === 'running') throw new XsnapError(`${this.name}: a call into XS while one is running`, '');
    this.#state = 'running';
    try {
      this.#send(kind, body);
      for (;;) {
        const message = this.#receive();
        const tag = message[0];
        if (tag === 0x2e /* . */) {
          const separator = message.indexOf(1, 1);
          return message.slice(separator < 0 ? 1 : separator + 1);
        }
        if (tag === 0x21 /* ! */) {
          this.#state = 'idle';
          throw new XsnapError(`${this.name}: uncaught exception in XS: ${Buffer.from(message.subarray(1)).toString('utf8')}`, this.output);
        }
        if (tag === 0x3f /* ? */) {
          this.#state = 'serving';
          const answer = this.#onQuery(message.slice(1));
          this.#state = 'running';
          this.#send('/', answer);
          continue;
        }
        throw new XsnapError(`${this.name}: protocol error: unexpected message ${JSON.stringify(Buffer.from(message.subarray(0, 40)).toString('latin1'))}`, this.output);
      }
    } catch (e) {
      if (this.#state !== 'idle') {
        // XS is mid-delivery or gone: the channel cannot be trusted again.
        this.#terminate();
        if (!(e instanceof XsnapError)) throw e;
      }
      throw e;
    } finally {
      if (this.#state === 'running') this.#state = 'idle';
    }
  }

  #send(kind: string, body: Uint8Array): void {
    const head = Buffer.from(`${body.byteLength + 1}:${kind}`, 'latin1');
    writeAll(this.#toXs, head);
    writeAll(this.#toXs, body);
    writeAll(this.#toXs, Buffer.from(','));
  }

  /** The next netstring from the worker. */
  #receive(): Uint8Array {
    for (;;) {
      const colon = this.#buffer.subarray(0, this.#length).indexOf(0x3a);
      if (colon > 0) {
        const size = Number(this.#buffer.subarray(0, colon).toString('latin1'));
        if (!Number.isInteger(size)) throw new XsnapError(`${this.name}: protocol error: bad netstring length`, this.output);
        const end = colon + 1 + size;
        if (this.#length > end) {
          if (this.#buffer[end] !== 0x2c) throw new XsnapError(`${this.name}: protocol error: netstring without its comma`, this.output);
          const message = Uint8Array.prototype.slice.call(this.#buffer, colon + 1, end);
          this.#buffer.copyWithin(0, end + 1, this.#length);
          this.#length -= end + 1;
          return message;
        }
        if (end + 1 > this.#buffer.length) {
          const bigger = Buffer.alloc(Math.max(end + 1, this.#buffer.length * 2));
          this.#buffer.copy(bigger, 0, 0, this.#length);
          this.#buffer = bigger;
        }
      }
      if (!this.#fill()) {
        const output = this.#waitForExitStatus();
        const status = /xsnap exit status (\d+)/.exec(output)?.[1];
        const meaning = status === undefined ? '' : `: exit status ${status}${EXIT_MEANING[Number(status)] ? ` (${EXIT_MEANING[Number(status)]})` : ''}`;
        throw new XsnapError(`${this.name}: the XS worker exited${meaning}`, output);
      }
    }
  }

  /** Reads what is available (blocking); false at end of file. */
  #fill(): boolean {
    if (this.#length === this.#buffer.length) {
      const bigger = Buffer.alloc(this.#buffer.length * 2);
      this.#buffer.copy(bigger);
      this.#buffer = bigger;
    }
    const n = readSync(this.#fromXs, this.#buffer, this.#length, this.#buffer.length - this.#length, null);
    this.#length += n;
    return n > 0;
  }

  /** The shell reports the status right after the worker exits; give it a moment. */
  #waitForExitStatus(): string {
    for (let i = 0; i < 100; i++) {
      const output = this.output;
      if (output.includes('xsnap exit status')) return output;
      sleep(10);
    }
    return this.output;
  }

  #terminate(): void {
    this.#state = 'closed';
    live.delete(this);
    this.#kill();
    for (const fd of [this.#toXs, this.#fromXs]) {
      try {
        if (fd >= 0) closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.#toXs = this.#fromXs = -1;
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #kill(): void {
    const pid = this.#child.pid;
    if (pid === undefined || this.#child.exitCode !== null) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Opens a FIFO for writing once its reader has it open. O_NONBLOCK makes the
 * open fail (ENXIO) instead of hanging while there is no reader, so a worker
 * that never starts is an error, not a hung test.
 */
function openWriterWhenReady(path: string): number {
  const deadline = performance.now() + OPEN_TIMEOUT_MS;
  for (;;) {
    try {
      return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO' || performance.now() > deadline) throw e;
      sleep(1);
    }
  }
}

/** Writes all of `bytes` to a non-blocking pipe, waiting while it is full. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.byteLength) {
    try {
      at += writeSync(fd, bytes, at, bytes.byteLength - at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      sleep(1);
    }
  }
}
