/**
 * The driver's chosen trip, kept across reboots as [id, service date] so a
 * validator that restarts mid-trip goes on serving the same departure.
 */
import { decodeCbor, encodeCbor } from '../../protocol/cbor.js';
import type { Trip, TripList } from '../../protocol/config/trips.js';
import type { KeyValueStore } from '../store/key-value-store.js';

const KEY = 'state/trip';

export function findTrip(trips: TripList | undefined, id: unknown, serviceDate: unknown): Trip | undefined {
  return trips?.trips.find((t) => t.id === id && t.serviceDate === serviceDate);
}

export function saveChosenTrip(store: KeyValueStore, trip: Trip): void {
  store.set(KEY, encodeCbor([trip.id, trip.serviceDate]));
}

/** The stored choice if the trip list still has it. */
export function restoreChosenTrip(store: KeyValueStore, trips: TripList | undefined): Trip | undefined {
  const bytes = store.get(KEY);
  if (!bytes) return undefined;
  try {
    const saved = decodeCbor(bytes);
    return Array.isArray(saved) ? findTrip(trips, saved[0], saved[1]) : undefined;
  } catch {
    // A damaged entry only costs the driver choosing the trip again.
    return undefined;
  }
}
