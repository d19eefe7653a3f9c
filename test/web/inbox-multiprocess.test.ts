import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createUsersService } from '../../src/main.js';
import type { Store } from '../../src/store/database.js';
import { createTestDatabase, TEST_STORE, type TestDatabase } from '../helpers/database.js';
import {
  prepareAccount,
  spawnApi,
  spawnSim,
  spawnWorker,
  type RunningProcess,
  type SimProcess,
} from '../helpers/processes.js';
import { readEvents, type StreamedEvent } from '../helpers/sse.js';
import { WebClient } from '../helpers/web-client.js';

const SENDER = '15149541234';
const LISTENER = '15145550160';

describe(
  'the inbox of an api process shows a message received by a worker process (two api, one worker)',
  {
    skip:
      TEST_STORE === 'sqlite' &&
      'api and worker processes share one database on PostgreSQL only: this runs in the PostgreSQL pass',
  },
  () => {
    let dir: string;
    let database: TestDatabase;
    let store: Store;
    let sim: SimProcess;
    const processes: RunningProcess[] = [];

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vudumobile-inbox-mp-'));
      database = await createTestDatabase(dir);
      ({ store } = await prepareAccount(database.url, SENDER));
    });
    after(async () => {
      await Promise.all([...processes, ...(sim ? [sim] : [])].map((p) => p.stop()));
      await store?.close();
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('an MO delivered by the SMSC to the worker reaches the event streams of both api processes', async () => {
      const accountId = Number(
        (await store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id,
      );
      const config = readConfig({ DATABASE_URL: database.url });
      const users = createUsersService(store, config, Date.now, () => {});
      const { token } = await users.invite(accountId, {
        email: 'standard@example.com',
        name: 'Standard',
        role: 'member',
        language: 'fr',
      });
      await users.setPasswordWithToken(token, 'correct horse inbox battery');

      // The SMSC delivers this MO as soon as an ESME binds: the worker, started last.
      const moFile = join(dir, 'mo.txt');
      await writeFile(moFile, `${LISTENER},${SENDER},Bonjour du travailleur\n`);
      sim = await spawnSim(dir, ['--mo-file', moFile]);
      const env = { DATABASE_URL: database.url, DATA_DIR: dir };
      const apis = await Promise.all([spawnApi(env), spawnApi(env)]);
      processes.push(...apis);

      // Both streams open (from now: live events only, no replay) before the worker starts.
      const opened: Promise<void>[] = [];
      const streams: Promise<StreamedEvent[]>[] = [];
      for (const api of apis) {
        const client = new WebClient(api.url);
        const signedIn = await client.signIn({
          email: 'standard@example.com',
          password: 'correct horse inbox battery',
        });
        assert.equal(signedIn.status, 303);
        opened.push(
          new Promise((resolve) => {
            streams.push(
              readEvents(
                `${api.url}/inbox/events`,
                `vm_session=${client.cookie('vm_session') ?? ''}`,
                (events) => events.some((e) => e.kind === 'mo'),
                { ms: 30_000, onOpen: resolve },
              ),
            );
          }),
        );
      }
      await Promise.all(opened);
      const worker = await spawnWorker({
        ...env,
        SMPP_URL: `smpp://test:secret@127.0.0.1:${sim.port}`,
      });
      processes.push(worker);

      for (const events of await Promise.all(streams)) {
        const mo = events.find((e) => e.kind === 'mo');
        assert.ok(mo, 'the stream carried the MO');
        assert.equal(mo.number, LISTENER);
        assert.equal(mo.status, 'received');
      }
      // And the inbox page of the first api process lists the thread.
      const client = new WebClient(apis[0]?.url ?? '');
      await client.signIn({ email: 'standard@example.com', password: 'correct horse inbox battery' });
      const inbox = await client.get('/inbox');
      assert.match(inbox.body, /data-number="15145550160"[\s\S]*Bonjour du travailleur/);
    });
  },
);
