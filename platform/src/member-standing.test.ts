import { createLogger } from './logger';
import { GraphUnavailable } from './graph-client';
import { guardMutations, MemberStanding, type ErasedMemberSource } from './member-standing';
import type { Viewer } from './identity';

/*
 * The kit's refusal of writes by erased members, with the member records as a plain list (the
 * subgraphs' real sources, community's table and the graph, are exercised end to end in
 * test/erasure.e2e.test.ts).
 */
const ERASED = '00000000-0000-4000-8000-00000000e1a5';
const ACTIVE = '00000000-0000-4000-8000-0000000000a1';
const as = (memberId: string | null): { viewer: Viewer; requestId: string } => ({ viewer: { memberId, roles: [] }, requestId: 'test' });

function recordsOf(erased: Set<string>, asked: string[] = []): ErasedMemberSource {
  return {
    async isErased(memberId) {
      asked.push(memberId);
      return erased.has(memberId);
    },
  };
}

const logger = createLogger('test', 'silent');
type Mutation = (parent: unknown, args: unknown, context: ReturnType<typeof as>, info: unknown) => Promise<string>;
const mutations: Record<'postWish' | 'exportMyData', Mutation> = {
  postWish: async () => 'written',
  exportMyData: async () => 'exported',
};
const call = (guarded: typeof mutations, field: keyof typeof mutations, memberId: string | null) => guarded[field](null, {}, as(memberId), null);
const errorOf = (promise: Promise<unknown>) => promise.then(() => null, (error: { extensions?: Record<string, unknown>; message: string }) => ({ ...error.extensions, message: error.message }));

describe('refusing the writes of erased members', () => {
  it('refuses every mutation by an erased member but those the subgraph lets them call', async () => {
    const guarded = guardMutations(mutations, new MemberStanding(recordsOf(new Set([ERASED])), logger), { writableAfterErasure: ['exportMyData'] });
    expect(await errorOf(call(guarded, 'postWish', ERASED))).toEqual({
      code: 'FORBIDDEN',
      reason: 'MEMBER_ERASED',
      message: expect.stringMatching(/^This member was erased \(AVG\/GDPR\) and can no longer use postWish;/),
    });
    expect(await call(guarded, 'exportMyData', ERASED)).toBe('exported');
    expect(await call(guarded, 'postWish', ACTIVE)).toBe('written');
  });

  it('asks about every write of a member not known as erased, and never again about one found erased', async () => {
    const asked: string[] = [];
    const standing = new MemberStanding(recordsOf(new Set([ERASED]), asked), logger);
    for (let i = 0; i < 3; i++) await standing.requireActive(as(ACTIVE).viewer, 'test');
    for (let i = 0; i < 3; i++) await expect(standing.requireActive(as(ERASED).viewer, 'test')).rejects.toThrow(/erased/);
    expect(asked).toEqual([ACTIVE, ACTIVE, ACTIVE, ERASED]);
  });

  it('asks once for the writes of one member that arrive while a question about them is open', async () => {
    const asked: string[] = [];
    const standing = new MemberStanding(recordsOf(new Set([ERASED]), asked), logger);
    await Promise.all(Array.from({ length: 16 }, () => standing.requireActive(as(ACTIVE).viewer, 'test')));
    await expect(Promise.all([standing.requireActive(as(ERASED).viewer, 'test'), standing.requireActive(as(ERASED).viewer, 'test')])).rejects.toThrow(/erased/);
    await standing.requireActive(as(ACTIVE).viewer, 'test');
    expect(asked).toEqual([ACTIVE, ERASED, ACTIVE]);
  });

  it('lets the public and identities without a member id through without asking', async () => {
    const asked: string[] = [];
    await new MemberStanding(recordsOf(new Set(), asked), logger).requireActive(as(null).viewer, 'test');
    expect(asked).toEqual([]);
  });

  it('refuses the write when the records cannot be read, rather than let a possibly erased member act', async () => {
    const down: ErasedMemberSource = { isErased: async () => Promise.reject(new GraphUnavailable('the graph could not be read')) };
    const guarded = guardMutations(mutations, new MemberStanding(down, logger));
    expect(await errorOf(call(guarded, 'postWish', ACTIVE))).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'community' });
  });
});
