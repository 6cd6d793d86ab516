/**
 * The MQTT connection of a long-running back-office service (ingest, ops):
 * a clean session that retries every second for as long as the broker is
 * away, with whatever the deployment adds (credentials, TLS), and TCP_NODELAY
 * on its socket.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

export interface ServiceClientOptions {
  /** 5 for shared subscriptions; 4 (MQTT 3.1.1) otherwise. */
  readonly protocolVersion: 4 | 5;
  readonly clientId?: string;
  readonly mqtt?: Partial<IClientOptions>;
}

export function connectServiceClient(brokerUrl: string, options: ServiceClientOptions): MqttClient {
  const client = connect(brokerUrl, {
    protocolVersion: options.protocolVersion,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...options.mqtt,
  });
  // Acks are small and a validator waits for them: no Nagle delay (the mqtt package leaves it on).
  client.on('connect', () => (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true));
  return client;
}
