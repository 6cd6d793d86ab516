/**
 * A validator's link to the broker, for fault tests: every socket a client
 * opens through it can be cut at once, and while the link is down new
 * connections fail at once, as with no mobile coverage. Sockets are real TCP
 * sockets; only their lives are controlled here.
 */
import { connect, type Socket } from 'node:net';

/** Why a socket died or could not be opened: a fault injected by a test. */
export class NetworkFaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkFaultError';
  }
}

export interface NetworkEndpoint {
  readonly host: string;
  readonly port: number;
}

export class SimNetwork {
  #sockets = new Set<Socket>();
  #down = false;
  #connects = 0;

  /** Sockets connected and not yet closed. */
  get connected(): number {
    let n = 0;
    for (const socket of this.#sockets) if (!socket.connecting && !socket.destroyed) n++;
    return n;
  }

  /** Connection attempts so far, including those refused while down. */
  get connects(): number {
    return this.#connects;
  }

  get isDown(): boolean {
    return this.#down;
  }

  /**
   * Opens a TCP connection through the link. Throws NetworkFaultError, opening
   * nothing, while the link is down.
   */
  connect(endpoint: NetworkEndpoint): Socket {
    this.#connects++;
    if (this.#down) throw new NetworkFaultError('network down: no connection possible');
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    return socket;
  }

  /**
   * Destroys every open socket at once. No DISCONNECT is sent, so the broker
   * publishes each client's Will; each client sees an error. Returns how many
   * sockets were cut.
   */
  drop(): number {
    const sockets = [...this.#sockets];
    this.#sockets.clear();
    for (const socket of sockets) socket.destroy(new NetworkFaultError('network dropped: connection cut'));
    return sockets.length;
  }

  /** New connections fail until up(); open ones are left alone (drop() cuts them). */
  down(): void {
    this.#down = true;
  }

  up(): void {
    this.#down = false;
  }
}
