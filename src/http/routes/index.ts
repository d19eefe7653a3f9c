import type { AppContext } from '../../app-context.js';
import type { Endpoint } from '../endpoint.js';
import { broadcastEndpoints } from './broadcasts.js';
import { contactEndpoints } from './contacts.js';
import { groupEndpoints } from './groups.js';
import { importEndpoints } from './imports.js';

/** Every endpoint of the API, by area. */
export function allEndpoints(ctx: AppContext): Endpoint[] {
  return [
    ...contactEndpoints(ctx),
    ...groupEndpoints(ctx),
    ...broadcastEndpoints(ctx),
    ...importEndpoints(ctx),
  ];
}
