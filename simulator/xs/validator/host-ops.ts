/**
 * What the validator entry in XS (entries/validator.ts) asks of XsValidator
 * on Node besides the bridge's operations. Its own module: XsValidator must
 * not import the entry, which only runs inside XS.
 */
export const ValidatorHostOp = Object.freeze({
  DECISION: 'decision',
  SYNC_EVENT: 'syncEvent',
  /** The reboot command: Node reboots the validator once this call has returned. */
  RESTART: 'restart',
} as const);
