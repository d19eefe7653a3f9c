import type { AppContext } from '../../app-context.js';
import type { Endpoint } from '../endpoint.js';

/** Every endpoint of the API, by area. */
export function allEndpoints(_ctx: AppContext): Endpoint[] {
  return [];
}
