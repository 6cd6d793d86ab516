/** The MQTT commands' options: the broker URL and ids that become topic segments. */
import { isTopicId } from '../../protocol/index.js';
import type { OptionValues } from '../command.js';
import { UsageError } from '../errors.js';
import { optionalString, requiredString } from './options.js';

export function topicId(values: OptionValues, name: string, required: boolean): string | undefined {
  const v = required ? requiredString(values, name) : optionalString(values, name);
  if (v !== undefined && (!isTopicId(v) || v === 'cfg' || v === 'ops')) {
    throw new UsageError(`--${name} must be 1-64 characters of A-Z a-z 0-9 . _ - (and not "cfg" or "ops")`);
  }
  return v;
}

export function brokerUrl(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new UsageError('missing --broker');
  if (!/^(mqtts?|wss?):\/\/[^\s/]+/.test(value)) throw new UsageError(`--broker must be a URL such as mqtt://127.0.0.1:1883, got "${value}"`);
  return value;
}
