/**
 * npm run fuzz — the hostile-input campaign's long run (issue #16 item 2): seeded requests to every
 * endpoint of the API as one account, aiming at another's ids too, against the real platform on
 * SQLite (or PostgreSQL with VUDUMOBILE_TEST_STORE=postgres and TEST_DATABASE_URL). Prints requests
 * tried, 5xx, error-shape violations, requests/s; exits 1 on any finding.
 *
 *   npm run fuzz -- [--requests 100000] [--seed S] [--concurrency 8] [--only 12,345]
 */
import { parseArgs } from 'node:util';
import { describeFindings, runCampaign } from '../test/helpers/hostile/campaign.js';
import { startCampaignTarget } from '../test/helpers/hostile/setup.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000_000) },
    concurrency: { type: 'string', default: '8' },
    only: { type: 'string' },
  },
});
const requests = Number(values.requests);
const seed = Number(values.seed);
const concurrency = Number(values.concurrency);
const only = values.only?.split(',').map(Number);
if (![requests, seed, concurrency].every(Number.isInteger) || (only && !only.every(Number.isInteger))) {
  console.error('usage: npm run fuzz -- [--requests N] [--seed S] [--concurrency C] [--only i,j]');
  process.exit(2);
}

const target = await startCampaignTarget();
const otherBefore = await target.snapshotOther();
console.log(
  `seed ${seed}, ${only ? `replaying ${only.join(',')}` : `${requests} requests`}, ${concurrency} at a time`,
);
const step = Math.max(1000, Math.floor(requests / 20));
const result = await runCampaign({
  url: target.server.url,
  seed,
  requests,
  concurrency,
  generator: target.generator,
  ...(only ? { only } : {}),
  onProgress: (done) => {
    if (done % step === 0) console.log(`  ${done} requests`);
  },
});
const health = await fetch(`${target.server.url}/health`)
  .then((r) => r.status)
  .catch(() => 0);
const otherUnchanged = (await target.snapshotOther()) === otherBefore;
await target.server.close();

const seconds = result.durationMs / 1000;
const statuses = [...result.statusCounts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
console.log(`requests tried:          ${result.tried}`);
console.log(`5xx:                     ${result.serverErrors}`);
console.log(`error-shape violations:  ${result.shapeViolations}`);
console.log(`no answer:               ${result.noAnswer}`);
console.log(
  `duration:                ${seconds.toFixed(1)} s (${(result.tried / seconds).toFixed(0)} requests/s)`,
);
console.log(`statuses:                ${statuses.join(' ')}`);
console.log(`/health afterwards:      ${health}`);
console.log(`other account unchanged: ${otherUnchanged ? 'yes' : 'NO'}`);
const findings = result.serverErrors + result.shapeViolations + result.noAnswer;
if (findings > 0) console.log(describeFindings(result, seed));
process.exit(findings > 0 || health !== 200 || !otherUnchanged ? 1 : 0);
