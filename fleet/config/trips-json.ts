/**
 * trips.json -> the protocol's Trip[]. The file is a JSON array of
 *
 *   { "id": "K101-0830", "line": "K101", "serviceDate": "2026-11-27" (or 20261127),
 *     "departure": "2026-11-27T08:30:00+08:00" (or epoch seconds),
 *     "stops": ["YT01", "FS02", "PL03"], "expected": 42 }
 *
 * Checks mirror openTripList, including that an id is unique per service
 * date, which signTripList itself does not check.
 */
import type { Trip } from '../../protocol/index.js';
import { InputError } from '../errors.js';
import { readJsonFile } from '../input/input-file.js';
import { JsonObject, typeName } from '../input/json-object.js';
import { parseInstant, parseServiceDate } from '../input/time.js';

const FIELDS = ['id', 'line', 'serviceDate', 'departure', 'stops', 'expected'] as const;

export async function readTripsFile(path: string): Promise<Trip[]> {
  const json = await readJsonFile(path, 'trips file');
  if (!Array.isArray(json)) throw new InputError(`trips file ${path} must be a JSON array of trips, got ${typeName(json)}`);
  const seen = new Map<string, number>();
  return json.map((entry, i) => {
    const f = new JsonObject(entry, `${path}[${i}]`).only(FIELDS);
    const id = f.string('id', 32);
    if (!f.has('serviceDate')) throw f.missing('serviceDate');
    if (!f.has('departure')) throw f.missing('departure');
    const serviceDate = parseServiceDate(f.raw('serviceDate'), f.field('serviceDate'));
    const key = `${id}@${serviceDate}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new InputError(`${f.where}: trip "${id}" on ${serviceDate} is already entry ${earlier}`);
    seen.set(key, i);
    const stops = f.stringArray('stops', 32);
    if (stops.length < 2) throw new InputError(`${f.field('stops')} must list at least two stops`);
    return {
      id,
      line: f.string('line', 32),
      serviceDate,
      departure: parseInstant(f.raw('departure'), f.field('departure')),
      stops,
      expected: f.optInteger('expected', 0, 100_000) ?? 0,
    };
  });
}
