import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBatch, type PlanSettings } from '../../../src/domain/imports/import-plan.js';
import type { ContactDraft } from '../../../src/domain/imports/import-rows.js';
import type { ResolvedGroup } from '../../../src/domain/ports/import-store.js';

const TOUS: ResolvedGroup = { id: 1, systemKind: 'all' };
const BLOCKED: ResolvedGroup = { id: 2, systemKind: 'blocked' };
const VIP: ResolvedGroup = { id: 3, systemKind: null };

function settings(overwrite: boolean, extra: Partial<PlanSettings> = {}): PlanSettings {
  return {
    overwrite,
    defaultLanguage: 'fr',
    importGroup: undefined,
    groupsById: new Map([
      [1, TOUS],
      [2, BLOCKED],
      [3, VIP],
    ]),
    groupsByName: new Map([
      ['tous', TOUS],
      ['blocked', BLOCKED],
      ['vip', VIP],
    ]),
    ...extra,
  };
}

function draft(
  line: number,
  number: string | null,
  email: string | null,
  more: Partial<ContactDraft> = {},
): ContactDraft {
  return {
    line,
    number,
    email,
    name: undefined,
    description: undefined,
    language: undefined,
    groups: [],
    timeZone: undefined,
    ...more,
  };
}

describe('planning a batch', () => {
  it('creates new contacts with defaults', () => {
    const plan = planBatch([draft(2, '15145550101', null, { name: 'Bob' })], [], settings(false));
    assert.deepEqual(plan.inserts, [
      {
        number: '15145550101',
        email: null,
        name: 'Bob',
        description: '',
        language: 'fr',
        blocked: false,
        timeZone: null,
      },
    ]);
    assert.deepEqual([plan.created, plan.updated, plan.skipped], [1, 0, 0]);
  });

  it('makes one contact of a number twice in the file: skipped without overwrite', () => {
    const plan = planBatch(
      [
        draft(2, '15145550101', null, { name: 'First' }),
        draft(3, '15145550101', 'b@x.ca', { name: 'Second' }),
      ],
      [],
      settings(false),
    );
    assert.equal(plan.inserts.length, 1);
    assert.equal(plan.inserts[0]?.name, 'First');
    assert.deepEqual([plan.created, plan.updated, plan.skipped], [1, 0, 1]);
  });

  it('with overwrite, a later row of the same file updates the contact the earlier one creates', () => {
    const plan = planBatch(
      [
        draft(2, null, 'a@x.ca', { name: 'First' }),
        draft(3, '15145550101', 'a@x.ca', { name: 'Second', language: 'en' }),
      ],
      [],
      settings(true),
    );
    assert.deepEqual(plan.inserts, [
      {
        number: '15145550101',
        email: 'a@x.ca',
        name: 'Second',
        description: '',
        language: 'en',
        blocked: false,
        timeZone: null,
      },
    ]);
    assert.deepEqual([plan.created, plan.updated, plan.skipped], [1, 1, 0]);
  });

  it('carries a row’s time zone to its insert, and to an update only when the cell gives one', () => {
    const created = planBatch(
      [draft(2, '15145550101', null, { timeZone: 'America/Vancouver' })],
      [],
      settings(false),
    );
    assert.equal(created.inserts[0]?.timeZone, 'America/Vancouver');
    const existing = [{ id: 9, number: '15145550101', email: null }];
    const moved = planBatch(
      [draft(2, '15145550101', null, { timeZone: 'America/Vancouver' })],
      existing,
      settings(true),
    );
    assert.equal(moved.updates[0]?.timeZone, 'America/Vancouver');
    const kept = planBatch([draft(2, '15145550101', null, { name: 'X' })], existing, settings(true));
    assert.equal(kept.updates[0]?.timeZone, undefined, 'an empty cell leaves the contact’s zone');
  });

  it('skips or updates existing contacts; overwrite changes only the cells given', () => {
    const existing = [{ id: 9, number: '15145550101', email: 'old@x.ca' }];
    const rows = [draft(2, '15145550101', null, { name: 'New name' })];
    const skip = planBatch(rows, existing, settings(false));
    assert.deepEqual([skip.created, skip.updated, skip.skipped, skip.updates.length], [0, 0, 1, 0]);
    const update = planBatch(rows, existing, settings(true));
    assert.deepEqual(update.updates, [
      {
        id: 9,
        number: '15145550101',
        email: 'old@x.ca',
        name: 'New name',
        description: undefined,
        language: undefined,
        timeZone: undefined,
      },
    ]);
    assert.deepEqual([update.created, update.updated, update.skipped], [0, 1, 0]);
    assert.deepEqual(update.addedAddresses, [], 'the same number and email: no new consent');
  });

  it('lists the numbers and emails an overwrite adds, with the line that gave each (CASL)', () => {
    const existing = [
      { id: 9, number: null, email: 'a@x.ca' },
      { id: 10, number: '15145550102', email: null },
    ];
    const plan = planBatch(
      [
        draft(2, '15145550101', 'a@x.ca'),
        draft(3, '15145550101', 'new@x.ca'),
        draft(4, '15145550102', 'b@x.ca'),
        // Changed, then changed back: the contact ends with the number it had.
        draft(5, '15145550109', 'b@x.ca'),
        draft(6, '15145550102', null),
      ],
      existing,
      settings(true),
    );
    assert.deepEqual(
      [...plan.addedAddresses].sort((a, b) => a.line - b.line),
      [
        { number: '15145550101', email: null, line: 2 },
        { number: null, email: 'new@x.ca', line: 3 },
        { number: null, email: 'b@x.ca', line: 4 },
      ],
    );
  });

  it('rejects, with overwrite, a row whose number and email are two different contacts', () => {
    const existing = [
      { id: 9, number: '15145550101', email: null },
      { id: 10, number: null, email: 'b@x.ca' },
    ];
    const plan = planBatch([draft(4, '15145550101', 'b@x.ca')], existing, settings(true));
    assert.deepEqual(plan.rejected, [
      { line: 4, reason: 'number and email belong to two different contacts' },
    ]);
    assert.deepEqual(planBatch([draft(4, '15145550101', 'b@x.ca')], existing, settings(false)).skipped, 1);
  });

  it('joins groups: Tous is implicit, Blocked blocks, unknown ids reject; skipped contacts join too', () => {
    const existing = [{ id: 9, number: '15145550101', email: null }];
    const plan = planBatch(
      [
        draft(2, '15145550101', null, { groups: [{ name: 'VIP' }, { name: 'Tous' }] }),
        draft(3, '15145550102', null, { groups: [{ name: 'blocked' }] }),
        draft(4, '15145550103', null, { groups: [{ id: 99 }] }),
      ],
      existing,
      settings(false, { importGroup: VIP }),
    );
    assert.deepEqual([...plan.existingGroups], [[9, [3]]]);
    assert.deepEqual(plan.insertGroups, [[3]]);
    assert.equal(plan.inserts[0]?.blocked, true);
    assert.deepEqual(plan.rejected, [{ line: 4, reason: 'group 99 not found' }]);
  });
});
