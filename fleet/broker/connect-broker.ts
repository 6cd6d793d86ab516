/** A CLI command's connection to the broker. */
import { connectAsync, type MqttClient } from 'mqtt';
import { InputError } from '../errors.js';

/** One connection attempt: a CLI run fails fast and says so when the broker is not there. */
export async function connectBroker(url: string): Promise<MqttClient> {
  try {
    return await connectAsync(url, { protocolVersion: 4, clean: true, reconnectPeriod: 0, connectTimeout: 10_000 }, false);
  } catch (e) {
    throw new InputError(`cannot reach the broker at ${url}: ${(e as Error).message || (e as { code?: string }).code || 'connection failed'}`);
  }
}
