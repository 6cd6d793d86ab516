/**
 * The validator's link to the back office, as the app sees it: whether it is
 * up, and a way to ask for the backlog to go now. The MQTT client behind it
 * comes with the sync work; until then a validator has none and shows offline.
 */
export const UplinkState = Object.freeze({ OFFLINE: 'offline', CONNECTING: 'connecting', ONLINE: 'online' } as const);
export type UplinkState = (typeof UplinkState)[keyof typeof UplinkState];

export interface Uplink {
  state(): UplinkState;
  /** Send unacknowledged records now instead of at the next interval. */
  syncNow(): void;
}
