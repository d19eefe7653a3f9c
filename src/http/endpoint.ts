import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  apiKeyMissing,
  DomainError,
  invalidRequestBody,
  invalidUtf8,
  parameterContainsNul,
  parameterTooLong,
  requestBodyTooLarge,
} from '../domain/errors.js';
import type { AuthContext, Authenticator } from './auth.js';
import { CsvAnswer } from './csv-answer.js';
import { parseUrlEncoded, type RawParams } from './params.js';

/** One parameter of an endpoint: the single description that validates input and feeds OpenAPI. */
export interface ParamSpec {
  readonly description: string;
  /** Not in the provider's 2019 document: an extension of this platform. */
  readonly extension?: boolean;
  readonly enum?: readonly string[];
  /** Longest accepted value in characters (default 1000). */
  readonly maxLength?: number;
  /** A multipart file upload (also accepted as text in a form field). */
  readonly file?: boolean;
}

export interface UploadedFile {
  readonly path: string;
  readonly size: number;
  readonly filename: string;
}

export interface EndpointInput<P extends string> {
  readonly params: Partial<Record<P, string>>;
  readonly auth: AuthContext;
  readonly files: Partial<Record<P, UploadedFile>>;
  readonly request: FastifyRequest;
}

export interface Endpoint<P extends string = string> {
  /** The path under /api/, e.g. `send`. */
  readonly name: string;
  /** The API area (OpenAPI tag). */
  readonly tag: string;
  readonly summary: string;
  readonly extension?: boolean;
  readonly params: Readonly<Record<P, ParamSpec>>;
  /** Returns the documented success body; throws a DomainError for documented failures. */
  handle(input: EndpointInput<P>): Promise<object>;
}

/** Keeps the parameter names as a literal type so handlers see exactly their own parameters. */
export function defineEndpoint<P extends string>(endpoint: Endpoint<P>): Endpoint<P> {
  return endpoint;
}

const DEFAULT_MAX_LENGTH = 1000;
export const MULTIPART_FILE_LIMIT = 50 * 1024 * 1024;

function paramProperties(endpoint: Endpoint): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries<ParamSpec>(endpoint.params)) {
    properties[name] = {
      type: 'string',
      ...(spec.file ? { format: 'binary' } : { maxLength: spec.maxLength ?? DEFAULT_MAX_LENGTH }),
      description: spec.extension ? `${spec.description} (extension)` : spec.description,
      ...(spec.enum ? { enum: spec.enum } : {}),
      ...(spec.extension ? { 'x-extension': true } : {}),
    };
  }
  return properties;
}

/** The OpenAPI description of one method of an endpoint, generated from its parameter specs. */
function openApiSchema(endpoint: Endpoint, method: 'GET' | 'POST'): Record<string, unknown> {
  const hasFile = Object.values<ParamSpec>(endpoint.params).some((p) => p.file);
  const parameters = { type: 'object', properties: paramProperties(endpoint) };
  return {
    summary: endpoint.extension ? `${endpoint.summary} (extension)` : endpoint.summary,
    tags: [endpoint.tag],
    ...(endpoint.extension ? { 'x-extension': true } : {}),
    security: [{ apiKey: [] }],
    ...(method === 'POST'
      ? {
          consumes: hasFile
            ? ['multipart/form-data', 'application/x-www-form-urlencoded']
            : ['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json'],
          body: parameters,
        }
      : { querystring: parameters }),
  };
}

/** Registers POST and GET /api/<name>: authentication, parameter collection, validation, JSON answer. */
export function registerEndpoint(
  app: FastifyInstance,
  authenticate: Authenticator,
  endpoint: Endpoint,
): void {
  for (const method of ['POST', 'GET'] as const) {
    app.route({
      method,
      url: `/api/${endpoint.name}`,
      schema: openApiSchema(endpoint, method),
      // The schema above documents; validation with the contract's own error texts happens below.
      validatorCompiler: () => () => true,
      onRequest: async (request, reply) => {
        request.auth = await authenticate(request, reply);
      },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const tempDirs: string[] = [];
        try {
          const { params, files } = await collectParams(request, endpoint, tempDirs);
          const auth = request.auth;
          if (!auth) throw apiKeyMissing();
          const body = await endpoint.handle({ params, files, auth, request });
          if (body instanceof CsvAnswer) {
            return reply
              .type('text/csv; charset=utf-8')
              .header('content-disposition', `attachment; filename="${body.fileName}"`)
              .header('cache-control', 'no-store')
              .send(Readable.from(body.lines));
          }
          // Streamed answers (large lists) are JSON too; Fastify only sets the type for objects.
          if (body instanceof Readable) reply.type('application/json; charset=utf-8');
          return reply.send(body);
        } finally {
          for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
        }
      },
    });
  }
}

async function collectParams(
  request: FastifyRequest,
  endpoint: Endpoint,
  tempDirs: string[],
): Promise<{ params: Record<string, string>; files: Record<string, UploadedFile> }> {
  const url = request.raw.url ?? '';
  const queryAt = url.indexOf('?');
  const merged: RawParams = queryAt === -1 ? {} : parseUrlEncoded(url.slice(queryAt + 1));
  const files: Record<string, UploadedFile> = {};
  if (request.isMultipart()) {
    try {
      await readMultipart(request, endpoint, merged, files, tempDirs);
    } catch (error) {
      // Anything but our own refusals is busboy failing on the client's malformed body.
      throw error instanceof DomainError ? error : invalidRequestBody();
    }
  } else if (request.body && typeof request.body === 'object') {
    Object.assign(merged, request.body as RawParams);
  }
  const params: Record<string, string> = {};
  for (const [name, spec] of Object.entries<ParamSpec>(endpoint.params)) {
    const value = merged[name];
    if (value === undefined) continue;
    const limit = spec.file ? MULTIPART_FILE_LIMIT : (spec.maxLength ?? DEFAULT_MAX_LENGTH);
    if (value.length > limit) throw parameterTooLong(name);
    // A file sent as a text field is read by the importer, which has its own rules for odd bytes.
    if (!spec.file && value.includes('\u0000')) throw parameterContainsNul(name);
    params[name] = value;
  }
  return { params, files };
}

async function readMultipart(
  request: FastifyRequest,
  endpoint: Endpoint,
  merged: RawParams,
  files: Record<string, UploadedFile>,
  tempDirs: string[],
): Promise<void> {
  for await (const part of request.parts({
    limits: { fileSize: MULTIPART_FILE_LIMIT, fieldSize: 1024 * 1024 },
  })) {
    if (part.type === 'field') {
      if (typeof part.value !== 'string') continue;
      // Busboy decodes fields with replacement characters; U+FFFD here means the bytes were not UTF-8.
      if (part.value.includes('\uFFFD')) throw invalidUtf8();
      if (part.valueTruncated) throw requestBodyTooLarge();
      merged[part.fieldname] = part.value;
      continue;
    }
    const spec: ParamSpec | undefined = (endpoint.params as Record<string, ParamSpec>)[part.fieldname];
    if (!spec?.file || part.fieldname in files) {
      part.file.resume(); // drain what the endpoint does not take
      continue;
    }
    const dir = await mkdtemp(join(tmpdir(), 'vudumobile-upload-'));
    tempDirs.push(dir);
    const path = join(dir, 'upload');
    await pipeline(part.file, createWriteStream(path));
    if (part.file.truncated) throw requestBodyTooLarge();
    files[part.fieldname] = { path, size: part.file.bytesRead, filename: part.filename };
  }
}
