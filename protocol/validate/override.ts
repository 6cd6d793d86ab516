/**
 * Why a driver let a refused passenger on. The id is what boarding records
 * carry (0 = no override): never reuse or renumber one.
 */
export const OverrideReason = Object.freeze({
  /** The driver checked the passenger's ID card against the booking by hand. */
  ID_CHECKED: 1,
  /** The validator or the ticket system is at fault (the passenger has proof of purchase). */
  SYSTEM_FAULT: 2,
  /** The dispatcher told the driver to let the passenger on. */
  DISPATCHER: 3,
} as const);
export type OverrideReason = (typeof OverrideReason)[keyof typeof OverrideReason];

export const OVERRIDE_REASONS: Readonly<Record<OverrideReason, { readonly zh: string; readonly en: string }>> = Object.freeze({
  1: { zh: '已人工核验证件', en: 'ID checked by hand' },
  2: { zh: '系统故障 有购票凭证', en: 'System fault, has proof' },
  3: { zh: '调度指令', en: 'Dispatcher instruction' },
});
