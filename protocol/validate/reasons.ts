/**
 * Reason codes: the stable result of every validation, with what the driver
 * sees. `id` is what flash records and boarding batches carry: never reuse or
 * renumber one. Texts are short enough for a small display line.
 */
export const Decision = Object.freeze({
  ACCEPT: 'accept',
  REJECT: 'reject',
  /** Already boarded on this trip moments ago: friendly, not counted again. */
  REPEAT: 'repeat',
} as const);
export type Decision = (typeof Decision)[keyof typeof Decision];

export const Reason = Object.freeze({
  ACCEPTED: 'ACCEPTED',
  ACCEPTED_CONCESSION: 'ACCEPTED_CONCESSION',
  ALREADY_SCANNED: 'ALREADY_SCANNED',
  MALFORMED: 'MALFORMED',
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  UNKNOWN_ISSUER: 'UNKNOWN_ISSUER',
  ISSUER_KEY_EXPIRED: 'ISSUER_KEY_EXPIRED',
  ISSUER_NOT_ALLOWED: 'ISSUER_NOT_ALLOWED',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  REVOKED: 'REVOKED',
  NOT_YET_VALID: 'NOT_YET_VALID',
  EXPIRED: 'EXPIRED',
  WRONG_LINE: 'WRONG_LINE',
  WRONG_DATE: 'WRONG_DATE',
  WRONG_TRIP: 'WRONG_TRIP',
  WRONG_STOP: 'WRONG_STOP',
  ALREADY_USED: 'ALREADY_USED',
} as const);
export type Reason = (typeof Reason)[keyof typeof Reason];

export interface ReasonInfo {
  readonly id: number;
  readonly decision: Decision;
  readonly zh: string;
  readonly en: string;
}

export const REASONS: Readonly<Record<Reason, ReasonInfo>> = Object.freeze({
  ACCEPTED: { id: 0, decision: Decision.ACCEPT, zh: '验票通过 请上车', en: 'Valid - please board' },
  ACCEPTED_CONCESSION: { id: 1, decision: Decision.ACCEPT, zh: '优惠票 请核验证件', en: 'Concession - check card' },
  ALREADY_SCANNED: { id: 2, decision: Decision.REPEAT, zh: '已验票 无需重复', en: 'Already scanned' },
  MALFORMED: { id: 10, decision: Decision.REJECT, zh: '无法识别的票码', en: 'Unreadable ticket' },
  UNSUPPORTED_VERSION: { id: 11, decision: Decision.REJECT, zh: '票码版本不支持', en: 'Ticket version not supported' },
  UNKNOWN_ISSUER: { id: 20, decision: Decision.REJECT, zh: '未知出票方', en: 'Unknown issuer' },
  ISSUER_KEY_EXPIRED: { id: 21, decision: Decision.REJECT, zh: '出票密钥已失效', en: 'Issuer key not valid now' },
  ISSUER_NOT_ALLOWED: { id: 22, decision: Decision.REJECT, zh: '出票方无权出此票', en: 'Issuer not allowed' },
  BAD_SIGNATURE: { id: 30, decision: Decision.REJECT, zh: '签名无效 疑似伪造', en: 'Invalid signature' },
  REVOKED: { id: 40, decision: Decision.REJECT, zh: '票已作废', en: 'Ticket revoked' },
  NOT_YET_VALID: { id: 50, decision: Decision.REJECT, zh: '未到乘车时间', en: 'Not yet valid' },
  EXPIRED: { id: 51, decision: Decision.REJECT, zh: '票已过期', en: 'Ticket expired' },
  WRONG_LINE: { id: 60, decision: Decision.REJECT, zh: '非本线路车票', en: 'Wrong line' },
  WRONG_DATE: { id: 61, decision: Decision.REJECT, zh: '非当日车票', en: 'Wrong date' },
  WRONG_TRIP: { id: 62, decision: Decision.REJECT, zh: '非本班次车票', en: 'Wrong departure' },
  WRONG_STOP: { id: 63, decision: Decision.REJECT, zh: '上下车站不符', en: 'Wrong stop' },
  ALREADY_USED: { id: 70, decision: Decision.REJECT, zh: '票已使用', en: 'Ticket already used' },
});

export const REASON_BY_ID: ReadonlyMap<number, Reason> = new Map(
  (Object.keys(REASONS) as Reason[]).map((r) => [REASONS[r].id, r]),
);
