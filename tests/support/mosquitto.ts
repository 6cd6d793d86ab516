/**
 * A real Mosquitto broker for one test file: its own process on a free port,
 * with persistence in a temporary directory so retained configuration and
 * queued QoS 1 messages survive a restart, as on a production broker.
 * `stop()` then `start()` restarts it on the same port (the broker-restart
 * fault); `kill()` is the hard crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port.js';

export const MOSQUITTO = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

export interface Mosquitto {
  readonly port: number;
  /** mqtt://127.0.0.1:port */
  readonly url: string;
  /** Whatever the broker printed (its log), for a failing test's message. */
  readonly output: () => string;
  start(): Promise<void>;
  /** Orderly stop (SIGTERM): the broker saves its state, clients see the socket close. */
  stop(): Promise<void>;
  /** SIGKILL: nothing saved since the last autosave. */
  kill(): Promise<void>;
  /** Stops the broker and removes its directory; idempotent. */
  close(): Promise<void>;
}

export interface MosquittoOptions {
  /**
   * `set_tcp_nodelay true`, as docs/mqtt.md recommends for production: without
   * it the broker's small acks wait behind Nagle's algorithm. Default true.
   */
  readonly tcpNoDelay?: boolean;
  /** More configuration lines (benchmarks compare settings). */
  readonly extra?: readonly string[];
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tk-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      // Running as root in CI: stay root so the broker can write its temporary directory.
      'user root',
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      'max_queued_messages 100000',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      ...(options.tcpNoDelay === false ? [] : ['set_tcp_nodelay true']),
      ...(options.extra ?? []),
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let output = '';
  let closed = false;

  const exited = (p: ChildProcess): Promise<void> =>
    p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((resolve) => p.once('exit', () => resolve()));

  const broker: Mosquitto = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    output: () => output,
    async start() {
      if (child) return;
      const p = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout?.on('data', (d) => (output += d));
      p.stderr?.on('data', (d) => (output += d));
      p.once('exit', () => {
        if (child === p) child = undefined;
      });
      child = p;
      try {
        await waitForPort(port);
      } catch (e) {
        throw new Error(`mosquitto did not start: ${(e as Error).message}\n${output}`);
      }
    },
    async stop() {
      const p = child;
      if (!p) return;
      p.kill('SIGTERM');
      await exited(p);
      child = undefined;
    },
    async kill() {
      const p = child;
      if (!p) return;
      p.kill('SIGKILL');
      await exited(p);
      child = undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
