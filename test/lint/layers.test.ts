import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEPCRUISE = fileURLToPath(new URL('../../node_modules/.bin/depcruise', import.meta.url));

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** The layer rules over a tree, as `npm run lint:layers` runs them: its exit status and what it found. */
function cruise(path: string): { status: number | null; violations: Violation[] } {
  const run = (extra: string[]) =>
    spawnSync(DEPCRUISE, [path, '--config', '.dependency-cruiser.cjs', ...extra], {
      cwd: ROOT,
      encoding: 'utf8',
    });
  const { status } = run([]);
  const report = JSON.parse(run(['--output-type', 'json']).stdout) as {
    summary: { violations: Violation[] };
  };
  return { status, violations: report.summary.violations };
}

const ruleOf = (violations: readonly Violation[], fromFile: string): string[] =>
  violations.filter((v) => v.from.endsWith(fromFile)).map((v) => v.rule.name);

describe('layer rules (npm run lint)', () => {
  // test/fixtures/layers/src mirrors src/ with one deliberate violation per rule; that the real src/
  // passes is `npm run lint:layers` itself, which CI runs.
  const { status, violations } = cruise('test/fixtures/layers');

  it('fail the lint on a deliberate violation', () => {
    assert.notEqual(status, 0);
  });

  it('keep the domain free of the store and of infrastructure packages', () => {
    assert.deepEqual(ruleOf(violations, 'src/domain/reads-the-store.ts').sort(), [
      'domain-is-pure',
      'domain-no-infrastructure-packages',
    ]);
  });

  it('keep routes and workers off the repositories', () => {
    assert.deepEqual(ruleOf(violations, 'src/http/route.ts'), ['edges-call-services-not-the-store']);
    assert.deepEqual(ruleOf(violations, 'src/workers/loop.ts'), ['edges-call-services-not-the-store']);
  });

  it('keep API errors out of the store and the store out of transports', () => {
    assert.deepEqual(ruleOf(violations, 'src/store/thing-repo.ts'), ['store-throws-no-api-error']);
    assert.deepEqual(ruleOf(violations, 'src/transport/link.ts'), ['transport-stays-inside']);
  });

  it('keep password hashing off the store', () => {
    assert.deepEqual(ruleOf(violations, 'src/security/hasher.ts'), ['security-stays-inside']);
  });

  it('refuse import cycles', () => {
    assert.ok(ruleOf(violations, 'src/cli/one.ts').includes('no-circular'));
  });

  it('refuse process.env in the domain (eslint)', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const code = 'export const port = process.env.PORT;\n';
    const [inDomain] = await eslint.lintText(code, { filePath: 'src/domain/fixture.ts' });
    assert.ok(inDomain?.messages.some((m) => m.ruleId === 'no-restricted-syntax'));
    const [inConfig] = await eslint.lintText(code, { filePath: 'src/config-fixture.ts' });
    assert.deepEqual(inConfig?.messages, []);
  });
});
