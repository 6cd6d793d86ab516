/** What a validator is given once, at the depot: who it is and whose configuration it trusts. */
export interface Provisioning {
  readonly validatorId: string;
  readonly operator: string;
  /** Operator root public keys (SEC1) that sign configuration. */
  readonly rootKeys: readonly Uint8Array[];
}
