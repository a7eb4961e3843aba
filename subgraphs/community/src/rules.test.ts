import { checkOptionalText, checkText } from './text.rules';
import { checkWishDraft, wishStatus } from './wishes/wish.rules';
import { allocationView, checkAllocation, checkPollDraft, tally } from './polls/poll.rules';
import { anonymousLabel, toExport } from './privacy/privacy.rules';
import { checkThemeDraft } from './themes/theme.rules';

describe('checkText', () => {
  const rule = { field: 'title', max: 5, required: true };
  it('trims and accepts up to the maximum, counting characters not UTF-16 units', () => {
    expect(checkText('  abc ', rule)).toEqual({ ok: true, value: 'abc' });
    expect(checkText('🌳🌳🌳🌳🌳', rule)).toEqual({ ok: true, value: '🌳🌳🌳🌳🌳' });
  });
  it('refuses empty and over-long texts with the field and limit', () => {
    expect(checkText(' \t', rule)).toMatchObject({ ok: false, error: { code: 'EMPTY_VALUE', field: 'title' } });
    expect(checkText('abcdef', rule)).toMatchObject({ ok: false, error: { code: 'VALUE_TOO_LONG', field: 'title', maxLength: 5 } });
  });
  it('treats null and blank optional texts as none', () => {
    expect(checkOptionalText(null, { field: 'phone', max: 5 })).toEqual({ ok: true, value: null });
    expect(checkOptionalText('  ', { field: 'phone', max: 5 })).toEqual({ ok: true, value: null });
    expect(checkOptionalText('123456', { field: 'phone', max: 5 })).toMatchObject({ ok: false, error: { code: 'VALUE_TOO_LONG' } });
  });
});

describe('wish rules', () => {
  it('derives the status: archived wins, then adoption by any project', () => {
    const open = { archivedAt: null };
    const archived = { archivedAt: new Date() };
    expect(wishStatus(open)).toBe('OPEN');
    expect(wishStatus(open, [])).toBe('OPEN');
    expect(wishStatus(open, [{ id: 'p' }])).toBe('ADOPTED');
    expect(wishStatus(archived, [{ id: 'p' }])).toBe('ARCHIVED');
  });

  const themes = new Set(['green', 'care']);
  it('accepts a draft with known themes, each once', () => {
    expect(checkWishDraft({ title: ' Bomen ', description: '', themeIds: ['green', 'green', 'care'] }, themes)).toEqual({
      ok: true,
      value: { title: 'Bomen', description: '', themeIds: ['green', 'care'] },
    });
  });
  it('refuses unknown themes and too many themes', () => {
    expect(checkWishDraft({ title: 'x', description: '', themeIds: ['green', 'energy'] }, themes)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_THEME', themeId: 'energy' } });
    const six = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(checkWishDraft({ title: 'x', description: '', themeIds: six }, new Set(six))).toMatchObject({ ok: false, error: { code: 'VALUE_OUT_OF_RANGE', max: 5 } });
  });
});

describe('poll rules', () => {
  const poll = { pointsBudget: 10, closedAt: null, themeIds: ['a', 'b', 'c'] };

  it('returns a full division in the poll’s order, missing themes at 0', () => {
    expect(checkAllocation(poll, [{ themeId: 'c', points: 3 }, { themeId: 'a', points: 7 }])).toEqual({
      ok: true,
      value: [
        { themeId: 'a', points: 7 },
        { themeId: 'b', points: 0 },
        { themeId: 'c', points: 3 },
      ],
    });
    expect(checkAllocation(poll, [])).toMatchObject({ ok: true });
  });

  it('refuses over budget, closed polls, unknown or repeated themes and negative or fractional points', () => {
    expect(checkAllocation(poll, [{ themeId: 'a', points: 6 }, { themeId: 'b', points: 5 }])).toMatchObject({ ok: false, error: { code: 'OVER_BUDGET', budget: 10, allocated: 11 } });
    expect(checkAllocation({ ...poll, closedAt: new Date('2026-01-01') }, [])).toMatchObject({ ok: false, error: { code: 'POLL_CLOSED' } });
    expect(checkAllocation(poll, [{ themeId: 'z', points: 1 }])).toMatchObject({ ok: false, error: { code: 'UNKNOWN_THEME', themeId: 'z' } });
    expect(checkAllocation(poll, [{ themeId: 'a', points: 1 }, { themeId: 'a', points: 1 }])).toMatchObject({ ok: false, error: { code: 'INVALID_ALLOCATION' } });
    expect(checkAllocation(poll, [{ themeId: 'a', points: 12 }, { themeId: 'b', points: -2 }])).toMatchObject({ ok: false, error: { code: 'INVALID_ALLOCATION' } });
    expect(checkAllocation(poll, [{ themeId: 'a', points: 1.5 }])).toMatchObject({ ok: false, error: { code: 'INVALID_ALLOCATION' } });
  });

  it('tallies exactly the sums per theme, in the poll’s order', () => {
    const divisions = [
      [{ themeId: 'a', points: 6 }, { themeId: 'b', points: 4 }],
      [{ themeId: 'b', points: 3 }, { themeId: 'c', points: 7 }],
      [{ themeId: 'c', points: 10 }, { themeId: 'x', points: 99 }],
    ].flat();
    expect(tally(['a', 'b', 'c'], divisions)).toEqual([
      { themeId: 'a', points: 6 },
      { themeId: 'b', points: 7 },
      { themeId: 'c', points: 17 },
    ]);
    expect(allocationView(['a', 'b'], { allocations: [{ themeId: 'b', points: 4 }], updatedAt: '2026-01-01T00:00:00Z' })).toEqual({
      points: [
        { themeId: 'a', points: 0 },
        { themeId: 'b', points: 4 },
      ],
      total: 4,
      updatedAt: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('checks a new poll: 2 to 12 distinct known themes and a budget of 1 to 1000', () => {
    const known = new Set(['a', 'b', 'c']);
    const draft = { title: 'P', themeIds: ['a', 'b'], pointsBudget: 100 };
    expect(checkPollDraft(draft, known)).toEqual({ ok: true, value: { title: 'P', description: null, themeIds: ['a', 'b'], pointsBudget: 100 } });
    expect(checkPollDraft({ ...draft, themeIds: ['a'] }, known)).toMatchObject({ ok: false, error: { code: 'VALUE_OUT_OF_RANGE', field: 'themeIds' } });
    expect(checkPollDraft({ ...draft, themeIds: ['a', 'a', 'b'] }, known)).toMatchObject({ ok: false, error: { code: 'VALUE_OUT_OF_RANGE', field: 'themeIds' } });
    expect(checkPollDraft({ ...draft, themeIds: ['a', 'd'] }, known)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_THEME', themeId: 'd' } });
    expect(checkPollDraft({ ...draft, pointsBudget: 1001 }, known)).toMatchObject({ ok: false, error: { code: 'VALUE_OUT_OF_RANGE', field: 'pointsBudget' } });
  });
});

describe('privacy rules', () => {
  it('labels erased members randomly, not from their id', () => {
    expect(anonymousLabel(Buffer.from([0xab, 0xcd, 0xef]))).toBe('Anonymous member abcdef');
    expect(anonymousLabel()).not.toBe(anonymousLabel());
  });

  it('exports nothing for an erased or unknown member', () => {
    const member = {
      id: 'm',
      neighbourhoodId: 'n',
      displayName: 'Anonymous member 000000',
      kind: 'PERSON',
      domain: 'CITIZEN',
      claimedDomain: null,
      domainConfirmedAt: new Date(0),
      domainConfirmedBy: null,
      roles: [],
      joinedAt: new Date(0),
      updatedAt: new Date(0),
      erasedAt: new Date(0),
      fullName: null,
      email: null,
      phone: null,
      address: null,
    };
    expect(toExport({ member, wishes: [], supports: [], ballots: [], webhooks: [] })).toEqual({});
    expect(toExport({ member: null, wishes: [], supports: [], ballots: [], webhooks: [] })).toEqual({});
    expect(toExport({ member: { ...member, erasedAt: null }, wishes: [], supports: [], ballots: [], webhooks: [] })).toMatchObject({ member: { id: 'm', joinedAt: '1970-01-01T00:00:00.000Z' } });
    const webhook = { id: 'w', neighbourhoodId: 'n', url: 'https://app.example/hook', eventTypes: ['nl.dbwe.ledger.entry.posted'], active: true, createdAt: new Date(0) };
    expect(toExport({ member: { ...member, erasedAt: null }, wishes: [], supports: [], ballots: [], webhooks: [webhook] })).toMatchObject({
      webhookSubscriptions: [{ ...webhook, createdAt: '1970-01-01T00:00:00.000Z' }],
    });
  });
});

describe('theme rules', () => {
  it('accepts kebab-case slugs and refuses anything else', () => {
    expect(checkThemeDraft({ slug: ' green-roofs ', name: 'Green roofs' })).toEqual({ ok: true, value: { slug: 'green-roofs', name: 'Green roofs', description: null } });
    for (const slug of ['Green', 'green roofs', 'green--roofs', '-green', 'groen_dak']) {
      expect(checkThemeDraft({ slug, name: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_SLUG' } });
    }
    expect(checkThemeDraft({ slug: 'a'.repeat(41), name: 'x' })).toMatchObject({ ok: false, error: { code: 'VALUE_TOO_LONG', field: 'slug' } });
  });
});
