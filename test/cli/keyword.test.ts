import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCliAsync, runCliJsonAsync } from '../helpers/cli.js';
import { testSandbox } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * `vudumobile keyword list|add|remove|draw --account N` against the database a running server uses:
 * a keyword added from the shell answers the server's inbound messages, its contest is drawn from
 * the shell. The rules are KeywordService's (test/http/keywords.test.ts); this proves the commands,
 * with few CLI starts (each costs seconds on a loaded machine).
 */
describe('vudumobile keyword list|add|remove|draw', () => {
  let server: TestServer;
  const env: Record<string, string> = {};
  before(async () => {
    server = await startTestServer({ sms: testSandbox(), holdOutbound: true });
    env.DATABASE_URL = server.platform.database;
  });
  after(() => server.close());

  it('adds a contest keyword the server then matches, lists it, draws a winner, removes it', async () => {
    const account = String(server.account.id);
    const added = (await runCliJsonAsync(
      [
        'keyword',
        'add',
        '--account',
        account,
        '--fr',
        'CONCOURS,CONCOUR',
        '--en',
        'CONTEST',
        '--contest',
        '1',
      ],
      env,
    )) as { id: number };
    assert.deepEqual(added, {
      id: added.id,
      name: 'CONCOURS',
      fr_keywords: ['CONCOURS', 'CONCOUR'],
      en_keywords: ['CONTEST'],
      from: null,
      contest: 1,
      matches: 0,
    });
    const receivedAt = Date.now();
    for (const from of ['15145550101', '15145550102'])
      await server.platform.ctx.inbound.receive({
        from,
        to: '15149541234',
        text: 'concour',
        partCount: 1,
        receivedAt,
      });

    const listed = await runCliJsonAsync(['keyword', 'list', '--account', account], env);
    assert.deepEqual(listed, [{ ...added, matches: 2 }]);
    const winner = (await runCliJsonAsync(
      ['keyword', 'draw', '--account', account, String(added.id)],
      env,
    )) as {
      number: string;
    };
    assert.ok(['15145550101', '15145550102'].includes(winner.number));

    const other = await server.createAccount({ name: 'Other' });
    const refused = await runCliAsync(
      ['keyword', 'remove', '--account', String(other.id), String(added.id)],
      env,
    );
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /keyword not found/);
    const removed = await runCliJsonAsync(['keyword', 'remove', '--account', account, String(added.id)], env);
    assert.deepEqual(removed, { removed: added.id });
    assert.deepEqual((await server.call('get_keywords')).body, { status: true, keywords: [] });
  });
});
