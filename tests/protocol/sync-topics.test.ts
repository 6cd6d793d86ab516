/**
 * The MQTT topic tree (protocol/sync/topics.ts, DESIGN.md §7): builders give
 * the documented strings, parseTopic takes every one of them apart again, and
 * no id can climb out of its segment, pose as a wildcard or as the operator's
 * `cfg`/`ops` branches, on the way out (builders) or in (parseTopic).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_TOPICS, ConfigTopic, ErrorCode, ProtocolError, TOPIC_ROOT, ValidatorTopic, commandTopic, ingestSubscription, isTopicId,
  opsTopic, operatorConfigTopic, parseTopic, responseTopic, validatorConfigTopic, validatorSubscriptions, validatorTopic,
} from '../../protocol/index.js';
import { propertyParams } from '../support/property-params.js';

const params = propertyParams(0x70b1c5);

const OP = 'YTBUS';
const V = 'V001';
const LEAVES = Object.values(ValidatorTopic);

/** Ids each builder must refuse: segment breakers, wildcards, empty, too long, bad first character, non-ASCII. */
const BAD_IDS: readonly string[] = Object.freeze([
  'a/b', '/', 'V1/', '+', '#', 'a+', 'a#', '', 'x'.repeat(65), '.hidden', '-dash', '_under', 'Bus·1', '烟台', 'é', 'a b', 'a\u0000', '$SYS',
]);
/** Ids only a validator may not have: they name operator-wide branches. */
const RESERVED = ['cfg', 'ops'];

function invalidArgument(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return e.code;
  }
}

/** MQTT topic filter matching (MQTT 3.1.1 §4.7), so subscriptions are checked against the topics they are for. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The shared-subscription prefix ($share/{group}/) is not part of the filter a topic is matched against. */
const unshare = (filter: string): string => filter.replace(/^\$share\/[^/]+\//, '');

const topicId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const validatorId = topicId.filter((id) => !RESERVED.includes(id));

describe('topic builders', () => {
  it('give the documented strings', () => {
    expect(TOPIC_ROOT).toBe('tk/v1');
    expect(validatorTopic(OP, V, ValidatorTopic.STATE)).toBe('tk/v1/YTBUS/V001/state');
    expect(validatorTopic(OP, V, ValidatorTopic.BOARDING)).toBe('tk/v1/YTBUS/V001/evt/boarding');
    expect(validatorTopic(OP, V, ValidatorTopic.CONFIG_EVENT)).toBe('tk/v1/YTBUS/V001/evt/config');
    expect(validatorTopic(OP, V, ValidatorTopic.ACK)).toBe('tk/v1/YTBUS/V001/ack');
    expect(validatorTopic(OP, V, ValidatorTopic.TELE)).toBe('tk/v1/YTBUS/V001/tele');
    expect(CONFIG_TOPICS).toEqual(['trust', 'deny', 'trips']);
    expect(operatorConfigTopic(OP, ConfigTopic.TRUST)).toBe('tk/v1/YTBUS/cfg/trust');
    expect(operatorConfigTopic(OP, ConfigTopic.DENY)).toBe('tk/v1/YTBUS/cfg/deny');
    expect(operatorConfigTopic(OP, ConfigTopic.TRIPS)).toBe('tk/v1/YTBUS/cfg/trips');
    expect(validatorConfigTopic(OP, V, ConfigTopic.DENY)).toBe('tk/v1/YTBUS/V001/cfg/deny');
    expect(commandTopic(OP, V, 'ping')).toBe('tk/v1/YTBUS/V001/cmd/ping');
    expect(commandTopic(OP, V, 'sync-now')).toBe('tk/v1/YTBUS/V001/cmd/sync-now');
    expect(responseTopic(OP, V, 'set-trip')).toBe('tk/v1/YTBUS/V001/res/set-trip');
    expect(opsTopic(OP, 'feed')).toBe('tk/v1/YTBUS/ops/feed');
    expect(opsTopic(OP, 'summary')).toBe('tk/v1/YTBUS/ops/summary');
    expect(opsTopic(OP, 'validators', V)).toBe('tk/v1/YTBUS/ops/validators/V001');
  });

  it('accept ids of 1 to 64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit', () => {
    for (const id of ['a', '0', 'V.1_b-2', 'x'.repeat(64), 'cfgX', 'opsy', 'CFG']) {
      expect(isTopicId(id)).toBe(true);
      expect(validatorTopic(id, id, ValidatorTopic.ACK)).toBe(`tk/v1/${id}/${id}/ack`);
      expect(commandTopic(OP, V, id)).toBe(`tk/v1/YTBUS/V001/cmd/${id}`);
    }
  });

  it('refuse bad operator, validator and command ids with INVALID_ARGUMENT', () => {
    const builders: Array<[string, (id: string) => unknown]> = [
      ['validatorTopic operator', (id) => validatorTopic(id, V, ValidatorTopic.STATE)],
      ['validatorTopic validator', (id) => validatorTopic(OP, id, ValidatorTopic.STATE)],
      ['operatorConfigTopic operator', (id) => operatorConfigTopic(id, ConfigTopic.TRUST)],
      ['validatorConfigTopic operator', (id) => validatorConfigTopic(id, V, ConfigTopic.TRUST)],
      ['validatorConfigTopic validator', (id) => validatorConfigTopic(OP, id, ConfigTopic.TRUST)],
      ['commandTopic operator', (id) => commandTopic(id, V, 'ping')],
      ['commandTopic validator', (id) => commandTopic(OP, id, 'ping')],
      ['commandTopic name', (id) => commandTopic(OP, V, id)],
      ['responseTopic operator', (id) => responseTopic(id, V, 'ping')],
      ['responseTopic validator', (id) => responseTopic(OP, id, 'ping')],
      ['responseTopic name', (id) => responseTopic(OP, V, id)],
      ['opsTopic operator', (id) => opsTopic(id, 'feed')],
      ['opsTopic part', (id) => opsTopic(OP, 'validators', id)],
      ['validatorSubscriptions operator', (id) => validatorSubscriptions(id, V)],
      ['validatorSubscriptions validator', (id) => validatorSubscriptions(OP, id)],
      ['ingestSubscription group', (id) => ingestSubscription(id)],
      ['ingestSubscription operator', (id) => ingestSubscription('ingest', id)],
    ];
    const accepted: string[] = [];
    for (const [name, build] of builders) {
      for (const id of BAD_IDS) {
        if (name === 'ingestSubscription operator' && id === '+') continue; // '+' there means every operator, by design
        if (invalidArgument(() => build(id)) !== ErrorCode.INVALID_ARGUMENT) accepted.push(`${name} ${JSON.stringify(id)}`);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('refuse "cfg" and "ops" as validator ids (they would pose as operator-wide branches)', () => {
    for (const id of RESERVED) {
      expect(invalidArgument(() => validatorTopic(OP, id, ValidatorTopic.STATE))).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(invalidArgument(() => validatorConfigTopic(OP, id, ConfigTopic.TRUST))).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(invalidArgument(() => commandTopic(OP, id, 'ping'))).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(invalidArgument(() => responseTopic(OP, id, 'ping'))).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(invalidArgument(() => validatorSubscriptions(OP, id))).toBe(ErrorCode.INVALID_ARGUMENT);
      // As an operator id they name nothing special.
      expect(validatorTopic(id, V, ValidatorTopic.ACK)).toBe(`tk/v1/${id}/V001/ack`);
    }
  });

  it('refuse non-string ids', () => {
    for (const id of [undefined, null, 42, {}, ['V1']]) {
      expect(invalidArgument(() => validatorTopic(OP, id as never, ValidatorTopic.STATE))).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(invalidArgument(() => commandTopic(id as never, V, 'ping'))).toBe(ErrorCode.INVALID_ARGUMENT);
    }
  });
});

describe('subscriptions', () => {
  it('a validator subscribes to its acks, its commands and both levels of configuration', () => {
    expect(validatorSubscriptions(OP, V)).toEqual([
      'tk/v1/YTBUS/V001/ack',
      'tk/v1/YTBUS/V001/cmd/+',
      'tk/v1/YTBUS/cfg/+',
      'tk/v1/YTBUS/V001/cfg/+',
    ]);
  });

  it("a validator's filters match what is meant for it and nothing of another validator or its own uplink", () => {
    const filters = validatorSubscriptions(OP, V);
    const hit = (topic: string) => filters.some((f) => matches(f, topic));
    expect(hit(validatorTopic(OP, V, ValidatorTopic.ACK))).toBe(true);
    for (const name of ['ping', 'sync-now', 'set-trip', 'reboot']) expect(hit(commandTopic(OP, V, name))).toBe(true);
    for (const kind of CONFIG_TOPICS) {
      expect(hit(operatorConfigTopic(OP, kind))).toBe(true);
      expect(hit(validatorConfigTopic(OP, V, kind))).toBe(true);
      expect(hit(validatorConfigTopic(OP, 'V002', kind))).toBe(false);
      expect(hit(operatorConfigTopic('OTHER', kind))).toBe(false);
    }
    for (const leaf of LEAVES.filter((l) => l !== ValidatorTopic.ACK)) expect(hit(validatorTopic(OP, V, leaf))).toBe(false);
    expect(hit(validatorTopic(OP, 'V002', ValidatorTopic.ACK))).toBe(false);
    expect(hit(commandTopic(OP, 'V002', 'ping'))).toBe(false);
    expect(hit(responseTopic(OP, V, 'ping'))).toBe(false);
    expect(hit(opsTopic(OP, 'feed'))).toBe(false);
  });

  it('the ingest service shares one subscription on every boarding topic', () => {
    expect(ingestSubscription()).toBe('$share/ingest/tk/v1/+/+/evt/boarding');
    expect(ingestSubscription('ingest', '+')).toBe('$share/ingest/tk/v1/+/+/evt/boarding');
    expect(ingestSubscription('g2', OP)).toBe('$share/g2/tk/v1/YTBUS/+/evt/boarding');

    const all = unshare(ingestSubscription());
    const mine = unshare(ingestSubscription('ingest', OP));
    expect(matches(all, validatorTopic(OP, V, ValidatorTopic.BOARDING))).toBe(true);
    expect(matches(all, validatorTopic('OTHER', V, ValidatorTopic.BOARDING))).toBe(true);
    expect(matches(mine, validatorTopic(OP, V, ValidatorTopic.BOARDING))).toBe(true);
    expect(matches(mine, validatorTopic('OTHER', V, ValidatorTopic.BOARDING))).toBe(false);
    for (const leaf of LEAVES.filter((l) => l !== ValidatorTopic.BOARDING)) expect(matches(all, validatorTopic(OP, V, leaf))).toBe(false);
    expect(matches(all, operatorConfigTopic(OP, ConfigTopic.TRUST))).toBe(false);
  });
});

describe('parseTopic', () => {
  it('takes apart the documented examples', () => {
    expect(parseTopic('tk/v1/YTBUS/V001/evt/boarding')).toEqual({ kind: 'validator', operator: OP, validator: V, leaf: 'evt/boarding' });
    expect(parseTopic('tk/v1/YTBUS/V001/state')).toEqual({ kind: 'validator', operator: OP, validator: V, leaf: 'state' });
    expect(parseTopic('tk/v1/YTBUS/V001/cmd/ping')).toEqual({ kind: 'command', operator: OP, validator: V, name: 'ping' });
    expect(parseTopic('tk/v1/YTBUS/V001/res/reboot')).toEqual({ kind: 'response', operator: OP, validator: V, name: 'reboot' });
    expect(parseTopic('tk/v1/YTBUS/ops/validators/V001')).toEqual({ kind: 'ops', operator: OP, leaf: 'validators/V001' });
  });

  it('tells operator-wide configuration from per-validator configuration', () => {
    const wide = parseTopic('tk/v1/OP/cfg/trust');
    expect(wide).toEqual({ kind: 'config', operator: 'OP', config: 'trust' });
    expect(wide?.kind === 'config' && wide.validator).toBeUndefined();
    const own = parseTopic('tk/v1/OP/V1/cfg/deny');
    expect(own).toEqual({ kind: 'config', operator: 'OP', validator: 'V1', config: 'deny' });
  });

  it('inverts every builder (property over valid ids)', () => {
    fc.assert(
      fc.property(topicId, validatorId, topicId, fc.constantFrom(...LEAVES), fc.constantFrom(...CONFIG_TOPICS), fc.array(topicId, { minLength: 1, maxLength: 4 }),
        (op, v, name, leaf, kind, ops) => {
          expect(parseTopic(validatorTopic(op, v, leaf))).toEqual({ kind: 'validator', operator: op, validator: v, leaf });
          expect(parseTopic(operatorConfigTopic(op, kind))).toEqual({ kind: 'config', operator: op, config: kind });
          expect(parseTopic(validatorConfigTopic(op, v, kind))).toEqual({ kind: 'config', operator: op, validator: v, config: kind });
          expect(parseTopic(commandTopic(op, v, name))).toEqual({ kind: 'command', operator: op, validator: v, name });
          expect(parseTopic(responseTopic(op, v, name))).toEqual({ kind: 'response', operator: op, validator: v, name });
          expect(parseTopic(opsTopic(op, ...ops))).toEqual({ kind: 'ops', operator: op, leaf: ops.join('/') });
        }),
      params(500),
    );
  });

  it('refuses topics whose operator, validator or command id breaks the rules', () => {
    const templates: Array<(id: string) => string> = [
      (id) => `tk/v1/${id}/V001/state`,
      (id) => `tk/v1/${id}/V001/evt/boarding`,
      (id) => `tk/v1/${id}/cfg/trust`,
      (id) => `tk/v1/${id}/ops/feed`,
      (id) => `tk/v1/YTBUS/${id}/state`,
      (id) => `tk/v1/YTBUS/${id}/evt/boarding`,
      (id) => `tk/v1/YTBUS/${id}/ack`,
      (id) => `tk/v1/YTBUS/${id}/cfg/deny`,
      (id) => `tk/v1/YTBUS/${id}/cmd/ping`,
      (id) => `tk/v1/YTBUS/V001/cmd/${id}`,
      (id) => `tk/v1/YTBUS/V001/res/${id}`,
    ];
    const parsed: string[] = [];
    for (const template of templates) {
      for (const id of BAD_IDS) {
        const topic = template(id);
        const p = parseTopic(topic);
        if (p === undefined) continue;
        // An id with '/' may turn the string into another topic of the tree (tk/v1/a/b/cfg/trust is
        // validator b's): fine, as long as the bad id itself is not read back as an id.
        const ids = Object.values(p).filter((v) => typeof v === 'string');
        if (!id.includes('/') || ids.includes(id)) parsed.push(`${topic} -> ${JSON.stringify(p)}`);
      }
    }
    expect(parsed).toEqual([]);
  });

  it('never reads "cfg" or "ops" as a validator id', () => {
    for (const id of RESERVED) {
      for (const leaf of LEAVES) {
        const p = parseTopic(`tk/v1/YTBUS/${id}/${leaf}`);
        expect(p?.kind, `${id}/${leaf}`).not.toBe('validator');
      }
      expect(parseTopic(`tk/v1/YTBUS/${id}/cmd/ping`)?.kind).not.toBe('command');
      expect(parseTopic(`tk/v1/YTBUS/${id}/res/ping`)?.kind).not.toBe('response');
      // tk/v1/OP/cfg/cfg/trust is neither operator config (one segment too many) nor validator "cfg"'s config.
      expect(parseTopic(`tk/v1/YTBUS/${id}/cfg/trust`)?.kind).not.toBe('config');
    }
    // Under cfg/ only the configuration kinds live.
    expect(parseTopic('tk/v1/YTBUS/cfg/state')).toBeUndefined();
    expect(parseTopic('tk/v1/YTBUS/cfg/ack')).toBeUndefined();
  });

  it('returns undefined for foreign topics, a wrong root, extra or missing segments and unknown leaves', () => {
    const foreign = [
      '', 'tk', 'tk/v1', 'tk/v1/YTBUS', 'tk/v1/YTBUS/V001', 'tk/v1/YTBUS/V001/',
      // foreign
      '$SYS/broker/uptime', 'homeassistant/sensor/x/state', 'a/b/c/d/e',
      // wrong root
      'tk/v2/YTBUS/V001/state', 'TK/v1/YTBUS/V001/state', 'tk/V1/YTBUS/V001/state', '/tk/v1/YTBUS/V001/state', 'x/tk/v1/YTBUS/V001/state',
      'tk//v1/YTBUS/V001/state', 'tkv1/YTBUS/V001/state',
      // extra segments
      'tk/v1/YTBUS/V001/state/x', 'tk/v1/YTBUS/V001/ack/1', 'tk/v1/YTBUS/V001/evt/boarding/x', 'tk/v1/YTBUS/V001/cmd/ping/x',
      'tk/v1/YTBUS/V001/res/ping/x', 'tk/v1/YTBUS/cfg/trust/x', 'tk/v1/YTBUS/V001/cfg/trust/x', 'tk/v1/YTBUS/V001/tele/',
      // missing segments
      'tk/v1/YTBUS/cfg', 'tk/v1/YTBUS/ops', 'tk/v1/YTBUS/V001/evt', 'tk/v1/YTBUS/V001/cmd', 'tk/v1/YTBUS/V001/res', 'tk/v1/YTBUS/V001/cfg',
      'tk/v1/YTBUS/V001/cmd/', 'tk/v1/YTBUS//state', 'tk/v1//V001/state',
      // unknown leaves
      'tk/v1/YTBUS/V001/status', 'tk/v1/YTBUS/V001/evt/alight', 'tk/v1/YTBUS/V001/evt', 'tk/v1/YTBUS/V001/cfg/keys',
      'tk/v1/YTBUS/cfg/keys', 'tk/v1/YTBUS/cfg/TRUST', 'tk/v1/YTBUS/V001/STATE', 'tk/v1/YTBUS/V001/telemetry',
      'tk/v1/YTBUS/V001/command/ping', 'tk/v1/YTBUS/V001/ack/', 'tk/v1/YTBUS/V001/evt/+', 'tk/v1/YTBUS/V001/cfg/#',
      // filters are not topics
      'tk/v1/+/+/evt/boarding', 'tk/v1/YTBUS/+/state', 'tk/v1/#', 'tk/v1/YTBUS/V001/cmd/+',
    ];
    const parsed = foreign.filter((t) => parseTopic(t) !== undefined).map((t) => `${t} -> ${JSON.stringify(parseTopic(t))}`);
    expect(parsed).toEqual([]);
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.constantFrom('tk', 'v1', 'OP', 'V1', 'cfg', 'ops', 'cmd', 'res', 'evt', 'boarding', 'state', 'trust', '', '+', '#'), { maxLength: 8 }).map((p) => p.join('/'))), (topic) => {
        const p = parseTopic(topic);
        if (p === undefined) return;
        // Whatever parses is in the tree: every id it names obeys the rules.
        expect(topic.startsWith('tk/v1/')).toBe(true);
        expect(isTopicId(p.operator)).toBe(true);
        if ('validator' in p && p.validator !== undefined) expect(isTopicId(p.validator) && !RESERVED.includes(p.validator)).toBe(true);
        if (p.kind === 'command' || p.kind === 'response') expect(isTopicId(p.name)).toBe(true);
      }),
      params(2000),
    );
  });
});
