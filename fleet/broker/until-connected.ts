/**
 * Waits for an mqtt client's first connection. The client retries by itself
 * while the broker is away, so this may take long; it gives up (false) when
 * the client is ended first, so a service closed before its broker came up
 * does not hang its owner or keep the process alive.
 */
import type { MqttClient } from 'mqtt';

export function untilConnected(client: MqttClient): Promise<boolean> {
  if (client.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      client.off('connect', onConnect);
      client.off('end', onEnd);
      resolve(ok);
    };
    const onConnect = () => done(true);
    const onEnd = () => done(false);
    client.on('connect', onConnect);
    client.on('end', onEnd);
  });
}
