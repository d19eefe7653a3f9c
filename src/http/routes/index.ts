import type { AppContext } from '../../app-context.js';
import type { Endpoint } from '../endpoint.js';
import { broadcastEndpoints } from './broadcasts.js';

/** Every endpoint of the API, by area. */
export function allEndpoints(ctx: AppContext): Endpoint[] {
  return [...broadcastEndpoints(ctx)];
}
