/** The back office's dashboard feeds on `tk/v1/{op}/ops/...`. */
export { AlertBook, AlertType, Severity, alertId, type Alert } from './alerts.js';
export { ChangeGate } from './change-gate.js';
export { feedMessage, reasonName, type FeedMessage, type FeedRecord } from './feed.js';
export { OperatorView, type OpsThresholds, type Publication, type Summary } from './operator-view.js';
export { DEFAULT_THRESHOLDS, OpsMonitor, type OpsMonitorOptions, type OpsStats } from './ops-monitor.js';
export { boarded, dayOf, emptyStatus, type ValidatorStatus } from './validator-status.js';
