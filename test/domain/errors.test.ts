import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as catalogue from '../../src/domain/errors.js';
import { DomainError, type ErrorId } from '../../src/domain/errors.js';
import { ERROR_STATUS } from '../../src/http/errors.js';

type Factory = (...args: string[]) => unknown;

/** Every factory of the catalogue, called with placeholder values for its parameters. */
function catalogueEntries(): { name: string; arity: number; error: DomainError }[] {
  const entries = [];
  for (const [name, value] of Object.entries(catalogue)) {
    if (typeof value !== 'function' || value === DomainError) continue;
    const factory = value as Factory;
    const error = factory('«1»', '«2»');
    assert.ok(error instanceof DomainError, `${name} builds a DomainError`);
    entries.push({ name, arity: factory.length, error });
  }
  return entries;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('the error catalogue', () => {
  const entries = catalogueEntries();

  it('has one factory per id, and every id a status in the HTTP table', () => {
    const ids = entries.map((e) => e.error.id);
    assert.equal(new Set(ids).size, ids.length, 'two factories build the same id');
    assert.deepEqual([...ids].sort(), Object.keys(ERROR_STATUS).sort());
    for (const id of ids) {
      assert.match(id, /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, `${id} is snake_case`);
      const status = ERROR_STATUS[id];
      assert.ok(status >= 400 && status < 500, `${id} maps to a client error`);
    }
  });

  it('gives no two ids the same text', () => {
    const byText = new Map<string, ErrorId>();
    for (const { error } of entries) {
      const other = byText.get(error.message);
      assert.equal(other, undefined, `${error.id} and ${other ?? ''} share "${error.message}"`);
      byText.set(error.message, error.id);
    }
  });

  it('writes each fixed text once in src/: here, and nowhere else', () => {
    const catalogueFile = join('src', 'domain', 'errors.ts');
    const sources = sourceFiles('src')
      .filter((path) => path !== catalogueFile)
      .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    for (const { error, arity } of entries) {
      if (arity > 0) continue;
      for (const { path, text } of sources) {
        assert.ok(!text.includes(`'${error.message}'`), `${path} writes "${error.message}" again`);
        assert.ok(!text.includes(`"${error.message}"`), `${path} writes "${error.message}" again`);
      }
    }
  });
});
