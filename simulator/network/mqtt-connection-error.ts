/** What SimMqttClient passes to onError: why the connection ended. */

export const MqttFailure = Object.freeze({
  /** The socket could not connect or failed (refused, reset, network fault). */
  SOCKET: 'socket',
  /** CONNACK with a nonzero return code. */
  REFUSED: 'refused',
  /** The broker closed the connection (stopped, or dropped the client). */
  PEER_CLOSED: 'peer-closed',
  /** No CONNACK in time, or no traffic within 1.5 keep-alive intervals. */
  TIMEOUT: 'timeout',
  /** The broker sent bytes that are not MQTT 3.1.1, or a packet a client never receives. */
  PROTOCOL: 'protocol',
} as const);
export type MqttFailure = (typeof MqttFailure)[keyof typeof MqttFailure];

export class MqttConnectionError extends Error {
  readonly reason: MqttFailure;
  /** CONNACK's return code, for REFUSED. */
  readonly returnCode: number | undefined;

  constructor(reason: MqttFailure, message: string, options: { cause?: unknown; returnCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MqttConnectionError';
    this.reason = reason;
    this.returnCode = options.returnCode;
  }
}
