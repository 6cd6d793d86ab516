/**
 * The MQTT topic tree (docs/mqtt.md). Everything lives under
 * `tk/v1/{operator}/`: per-validator topics under `{validator}/`, the
 * operator-wide configuration under `cfg/` and the back office's dashboard
 * feeds under `ops/`. Ids are checked so no id can climb out of its place in
 * the tree (no `/`, no wildcards) or pose as `cfg` or `ops`.
 */
import { ErrorCode, ProtocolError } from '../errors.js';

export const TOPIC_ROOT = 'tk/v1';

/** What a validator publishes and reads under its own id. */
export const ValidatorTopic = Object.freeze({
  /** Retained; also the Last Will. JSON StateMessage. */
  STATE: 'state',
  /** CBOR BoardingBatch from the flash outbox, QoS 1. */
  BOARDING: 'evt/boarding',
  /** JSON ConfigEvent: a configuration document applied or refused. */
  CONFIG_EVENT: 'evt/config',
  /** JSON Ack from the back office, QoS 1. */
  ACK: 'ack',
  /** JSON Telemetry, QoS 0. */
  TELE: 'tele',
} as const);
export type ValidatorTopic = (typeof ValidatorTopic)[keyof typeof ValidatorTopic];

/** Configuration documents, as topic leaves (`cfg/{kind}`). */
export const ConfigTopic = Object.freeze({ TRUST: 'trust', DENY: 'deny', TRIPS: 'trips' } as const);
export type ConfigTopic = (typeof ConfigTopic)[keyof typeof ConfigTopic];
export const CONFIG_TOPICS: readonly ConfigTopic[] = Object.freeze([ConfigTopic.TRUST, ConfigTopic.DENY, ConfigTopic.TRIPS]);

/** Segments that may not be a validator id, because they name operator-wide branches. */
const RESERVED = Object.freeze(['cfg', 'ops']);
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Operator, validator and command ids: 1–64 of A–Z a–z 0–9 . _ -, starting with a letter or digit. */
export function isTopicId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

export function checkTopicId(id: unknown, what: string): string {
  if (!isTopicId(id)) throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, `${what} must be 1-64 characters of A-Z a-z 0-9 . _ - (got ${JSON.stringify(id)})`);
  return id;
}

function validatorId(id: string): string {
  checkTopicId(id, 'validator id');
  if (RESERVED.includes(id)) throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, `validator id may not be "${id}"`);
  return id;
}

export function validatorTopic(operator: string, validator: string, leaf: ValidatorTopic): string {
  return `${TOPIC_ROOT}/${checkTopicId(operator, 'operator')}/${validatorId(validator)}/${leaf}`;
}

/** Operator-wide configuration, retained: every validator of the operator reads it. */
export function operatorConfigTopic(operator: string, kind: ConfigTopic): string {
  return `${TOPIC_ROOT}/${checkTopicId(operator, 'operator')}/cfg/${kind}`;
}

/** Configuration for one validator, retained; takes part in the same version order as the operator's. */
export function validatorConfigTopic(operator: string, validator: string, kind: ConfigTopic): string {
  return `${TOPIC_ROOT}/${checkTopicId(operator, 'operator')}/${validatorId(validator)}/cfg/${kind}`;
}

export function commandTopic(operator: string, validator: string, name: string): string {
  return `${TOPIC_ROOT}/${checkTopicId(operator, 'operator')}/${validatorId(validator)}/cmd/${checkTopicId(name, 'command')}`;
}

export function responseTopic(operator: string, validator: string, name: string): string {
  return `${TOPIC_ROOT}/${checkTopicId(operator, 'operator')}/${validatorId(validator)}/res/${checkTopicId(name, 'command')}`;
}

/** The back office's JSON for dashboards: `ops/feed`, `ops/summary`, `ops/alerts`, `ops/validators/{v}`. */
export function opsTopic(operator: string, ...leaf: string[]): string {
  if (leaf.length === 0) throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, 'an ops topic needs a leaf');
  for (const part of leaf) checkTopicId(part, 'ops topic part');
  return `${TOPIC_ROOT}/${checkTopicId(operator, 'operator')}/ops/${leaf.join('/')}`;
}

/** What a validator subscribes to: its acks, its commands, and both levels of configuration. */
export function validatorSubscriptions(operator: string, validator: string): string[] {
  const own = `${TOPIC_ROOT}/${checkTopicId(operator, 'operator')}/${validatorId(validator)}`;
  return [`${own}/${ValidatorTopic.ACK}`, `${own}/cmd/+`, `${TOPIC_ROOT}/${operator}/cfg/+`, `${own}/cfg/+`];
}

/**
 * The ingest services' shared subscription: the broker hands each batch to
 * one member of the group (MQTT 5 shared subscriptions; Mosquitto, EMQX and
 * HiveMQ support them). aedes does not: with it, run one ingest instance
 * subscribed without the `$share/{group}/` prefix.
 */
export function ingestSubscription(group = 'ingest', operator = '+'): string {
  return `$share/${checkTopicId(group, 'share group')}/${TOPIC_ROOT}/${operator === '+' ? '+' : checkTopicId(operator, 'operator')}/+/${ValidatorTopic.BOARDING}`;
}

/** A topic of the tree, taken apart. */
export type ParsedTopic =
  | { readonly kind: 'validator'; readonly operator: string; readonly validator: string; readonly leaf: ValidatorTopic }
  | { readonly kind: 'config'; readonly operator: string; readonly validator?: string; readonly config: ConfigTopic }
  | { readonly kind: 'command' | 'response'; readonly operator: string; readonly validator: string; readonly name: string }
  | { readonly kind: 'ops'; readonly operator: string; readonly leaf: string };

const LEAVES: readonly string[] = Object.values(ValidatorTopic);

/** Parses a topic of the tree; undefined for anything else (including ids that break the rules). */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts.length < 4 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  const operator = parts[2];
  if (!isTopicId(operator)) return undefined;
  const rest = parts.slice(3);
  if (rest[0] === 'ops') return rest.length >= 2 && rest.slice(1).every(isTopicId) ? { kind: 'ops', operator, leaf: rest.slice(1).join('/') } : undefined;
  if (rest[0] === 'cfg') return rest.length === 2 && isConfigTopic(rest[1]) ? { kind: 'config', operator, config: rest[1] } : undefined;
  const validator = rest[0];
  if (!isTopicId(validator) || RESERVED.includes(validator)) return undefined;
  const leaf = rest.slice(1).join('/');
  if (LEAVES.includes(leaf)) return { kind: 'validator', operator, validator, leaf: leaf as ValidatorTopic };
  if (rest.length !== 3) return undefined;
  if (rest[1] === 'cfg') return isConfigTopic(rest[2]) ? { kind: 'config', operator, validator, config: rest[2] } : undefined;
  if ((rest[1] === 'cmd' || rest[1] === 'res') && isTopicId(rest[2])) {
    return { kind: rest[1] === 'cmd' ? 'command' : 'response', operator, validator, name: rest[2] };
  }
  return undefined;
}

function isConfigTopic(value: string): value is ConfigTopic {
  return (CONFIG_TOPICS as readonly string[]).includes(value);
}
