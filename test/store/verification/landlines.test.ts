import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { LandlineService } from '../../../src/domain/verification/landline-service.js';
import { LandlinesRepo } from '../../../src/store/verification/landlines-repo.js';
import { rememberLandlines } from '../../../src/store/verification/verifications-repo.js';
import { tempStore } from '../../helpers/store.js';

const NOW = Date.UTC(2026, 11, 3, 12);
const csv = (text: string) => Readable.from([Buffer.from(text)]);

describe('the landline list and the NPA-NXX blocks, on the store', () => {
  let temp: Awaited<ReturnType<typeof tempStore>>;
  let repo: LandlinesRepo;
  let landlines: LandlineService;
  before(async () => {
    temp = await tempStore();
    repo = new LandlinesRepo(temp.store.db);
    landlines = new LandlineService(repo, () => NOW);
  });
  after(() => temp.close());

  it('keeps learnt and operator numbers apart; adding a learnt one makes it the operator’s', async () => {
    await rememberLandlines(
      temp.store.db,
      ['15145550201', '15145550202'],
      'verification SMS failed',
      NOW - 1,
    );
    assert.deepEqual(await landlines.add(['(514) 555-0202', '+1 819 555 0203']), [
      '15145550202',
      '18195550203',
    ]);
    assert.deepEqual(
      (await landlines.list()).map((l) => [l.number, l.source, l.reason]),
      [
        ['15145550201', 'learnt', 'verification SMS failed'],
        ['15145550202', 'operator', 'added by the operator'],
        ['18195550203', 'operator', 'added by the operator'],
      ],
    );
    assert.deepEqual(await landlines.remove(['15145550201', '15145550299']), ['15145550201']);
    assert.throws(() => landlines.normalise(['514']), { message: '"514" is not a valid phone number' });
  });

  it('types a number by its thousands-block before its exchange, and only North American numbers', async () => {
    const loaded = await landlines.importBlocks(
      csv('npa,x,nxx,type\n613,A,555,Fixed\n613,7,555,cellular\n613,,556,voip\n613,,556,landline\n'),
      { replace: false },
    );
    assert.equal(loaded, 4);
    assert.equal(await repo.lineType('16135550123'), 'fixed');
    assert.equal(await repo.lineType('16135557123'), 'mobile');
    // The same prefix twice in a file: the later row wins.
    assert.equal(await repo.lineType('16135560123'), 'fixed');
    assert.equal(await repo.lineType('16135570123'), undefined);
    assert.equal(await repo.lineType('33613555012'), undefined);
  });

  it('refuses a bad file whole, naming the line; --replace starts from an empty table', async () => {
    const refusals: [string, RegExp][] = [
      [
        'npa,nxx,type\n450,555,fixed\n450,155,fixed\n',
        /line 3: nxx "155" is not 3 digits starting with 2 to 9/,
      ],
      ['npa,nxx,type\n450,555,pager\n', /line 2: type "pager" is not one of fixed, landline/],
      ['npa,nxx,x,type\n450,555,12,fixed\n', /line 2: x "12" is not a digit, A or empty/],
      ['npa,exchange,type\n450,555,fixed\n', /line 1: the header must name the columns npa, nxx and type/],
      ['', /the file is empty/],
      ['npa,nxx,type\n', /the file has a header but no block/],
    ];
    for (const [text, message] of refusals)
      await assert.rejects(landlines.importBlocks(csv(text), { replace: true }), message, text);
    assert.equal(await repo.lineType('14505550100'), undefined);
    assert.equal(await repo.lineType('16135550123'), 'fixed', 'a refused --replace removed nothing');
    assert.equal(await landlines.importBlocks(csv('npa,nxx,type\n450,555,wireline\n'), { replace: true }), 1);
    assert.equal(await repo.lineType('14505550100'), 'fixed');
    assert.equal(await repo.lineType('16135550123'), undefined);
  });
});
