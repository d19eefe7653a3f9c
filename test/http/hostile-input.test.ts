import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeFindings, runCampaign, type CampaignResult } from '../helpers/hostile/campaign.js';
import { startCampaignTarget, type CampaignTarget } from '../helpers/hostile/setup.js';

/** The short run of `npm run fuzz`: a fixed seed unless FUZZ_SEED is set, so a failure replays. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261216);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2000);

describe('the hostile-input campaign over every endpoint (issue #16 item 2)', () => {
  let target: CampaignTarget;
  let otherBefore: string;
  let result: CampaignResult;

  before(async () => {
    target = await startCampaignTarget();
    otherBefore = await target.snapshotOther();
    result = await runCampaign({
      url: target.server.url,
      seed: SEED,
      requests: REQUESTS,
      concurrency: 4,
      generator: target.generator,
    });
  });
  after(() => target.server.close());

  it(`sends ${REQUESTS} seeded requests and gets no 5xx and every error in the contract's shape`, () => {
    assert.equal(result.tried, REQUESTS);
    const findings = result.serverErrors + result.shapeViolations + result.noAnswer;
    assert.equal(findings, 0, describeFindings(result, SEED));
  });

  it('reached the endpoints: successes and refusals both (the generator is not all noise)', () => {
    const count = (test: (status: number) => boolean) =>
      [...result.statusCounts].filter(([status]) => test(status)).reduce((sum, [, n]) => sum + n, 0);
    const seen = JSON.stringify([...result.statusCounts]);
    assert.ok(count((s) => s === 200) > REQUESTS / 20, seen);
    assert.ok(count((s) => s >= 400 && s < 500) > REQUESTS / 4, seen);
  });

  it('still answers /health afterwards', async () => {
    const response = await fetch(`${target.server.url}/health`);
    assert.equal(response.status, 200);
  });

  it("leaves the other account's rows byte-for-byte unchanged", async () => {
    assert.equal(await target.snapshotOther(), otherBefore);
  });
});
