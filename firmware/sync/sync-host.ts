/** What the sync needs of the validator app: its status, and the actions the back office may ask for. */
import type { ApplyResult, ConfigKind } from '../config/active-config.js';
import type { ValidatorStatus } from '../app/validator.js';

export interface SyncHost {
  readonly status: ValidatorStatus;
  applyConfig(kind: ConfigKind, bytes: Uint8Array): ApplyResult;
  chooseTrip(id: string, serviceDate: number): boolean;
  /** The link or the backlog changed: the driver's screen shows both. */
  uplinkChanged(): void;
}
