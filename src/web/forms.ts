import type { FastifyRequest } from 'fastify';

/** A page's posted form (url-encoded, parsed by the web app into URLSearchParams); empty if none. */
export function formParams(request: FastifyRequest): URLSearchParams {
  return request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
}

/** A whole number from a form or query value, or undefined (ids in URLs and forms are untrusted). */
export function wholeNumber(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}
