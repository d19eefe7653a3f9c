import { DEFAULT_TIME_ZONE } from '../domain/users/users.js';
import type { SelectOption } from './components.js';

/** Every zone the runtime knows, Montréal's first: most users and contacts are in Québec. */
const TIME_ZONES: readonly string[] = [
  DEFAULT_TIME_ZONE,
  ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== DEFAULT_TIME_ZONE),
];

/** The choices of a time-zone select; a current zone the runtime does not list is kept, first. */
export function timeZoneChoices(current: string): SelectOption[] {
  const zones = current === '' || TIME_ZONES.includes(current) ? TIME_ZONES : [current, ...TIME_ZONES];
  return zones.map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') }));
}
