/**
 * An MQTT broker inside this process, for `npm start` and tests that need
 * no Mosquitto: aedes with a TCP listener (validators, the ingest service)
 * and a WebSocket listener (the dashboard in a browser). Retained messages
 * and Last Wills work, in aedes's in-memory persistence, so they do not
 * survive close().
 *
 * aedes has no shared subscriptions ($share/...): with this broker the
 * ingest service subscribes to evt/boarding without `$share`, as the only
 * consumer.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';

export interface EmbeddedBrokerOptions {
  /** Interface both listeners bind to; default 127.0.0.1. */
  readonly host?: string;
  /** MQTT over TCP; 0 (default) picks a free port. */
  readonly port?: number;
  /** MQTT over WebSocket; 0 (default) picks a free port. */
  readonly wsPort?: number;
  readonly wsPath?: string;
}

export interface EmbeddedBroker {
  /** mqtt://host:port */
  readonly url: string;
  /** ws://host:wsPort/mqtt */
  readonly wsUrl: string;
  readonly port: number;
  readonly wsPort: number;
  /** Closes both listeners, every client connection and the broker. Idempotent. */
  close(): Promise<void>;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const wsPath = options.wsPath ?? '/mqtt';
  const aedes = await Aedes.createBroker();

  // aedes closes the clients it knows; sockets that never sent CONNECT are ours to close.
  const sockets = new Set<Socket>();
  const tcp = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });

  const http = createHttpServer((_request, response) => {
    response.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server: http, path: wsPath });
  wss.on('connection', (socket: WebSocket, request) => {
    const stream = createWebSocketStream(socket);
    // A browser tab closing mid-frame is routine; aedes sees the stream end.
    stream.on('error', () => stream.destroy());
    aedes.handle(stream, request);
  });

  let port: number;
  let wsPort: number;
  try {
    port = await listen(tcp, options.port ?? 0, host);
    wsPort = await listen(http, options.wsPort ?? 0, host);
  } catch (error) {
    await closeAll(aedes, tcp, http, wss, sockets);
    throw error;
  }

  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${wsPort}${wsPath}`,
    port,
    wsPort,
    close: () => (closing ??= closeAll(aedes, tcp, http, wss, sockets)),
  };
}

function listen(server: TcpServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

async function closeAll(aedes: Aedes, tcp: TcpServer, http: HttpServer, wss: WebSocketServer, sockets: Set<Socket>): Promise<void> {
  const closed = (server: TcpServer | HttpServer): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const tcpClosed = closed(tcp);
  const httpClosed = closed(http);
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  http.closeAllConnections();
  await Promise.all([tcpClosed, httpClosed]);
}
