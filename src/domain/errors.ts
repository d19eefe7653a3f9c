/**
 * An expected failure whose text is part of the API contract. The HTTP edge maps it, in one place,
 * to `{"status": false, "error": message}` with `status` as the HTTP code.
 */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, message);
export const notFound = (message: string): ApiError => new ApiError(404, message);
export const conflict = (message: string): ApiError => new ApiError(409, message);
export const forbidden = (message: string): ApiError => new ApiError(403, message);
export const tooManyRequests = (message: string): ApiError => new ApiError(429, message);
