import { GraphUnavailable } from './graph-client';
import type { MemberFacts } from './references';
import { requireRegistered } from './registration';

describe('requireRegistered: a role in a token is not membership', () => {
  const here = 'b2f1c6a0-0000-4000-8000-000000000001';
  const elsewhere = 'b2f1c6a0-0000-4000-8000-000000000002';
  const memberId = 'b2f1c6a0-0000-4000-8000-00000000000a';
  const resident = { memberId, roles: [{ role: 'resident' as const, neighbourhood: here }] };
  const facts = (neighbourhoodId: string, erased = false): MemberFacts => ({ id: memberId, neighbourhoodId, domain: 'CITIZEN', erased });
  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ALLOWED',
      (error: { extensions?: { code?: string; reason?: string }; message: string }) => [error.extensions?.code, error.extensions?.reason ?? error.message],
    );

  it('lets a registered member holding the role act, and returns their id', async () => {
    await expect(requireRegistered(resident, here, 'propose a project', async () => facts(here))).resolves.toBe(memberId);
  });

  it('refuses the unregistered, a member of another neighbourhood and an erased member', async () => {
    const refused = ['FORBIDDEN', 'Register in this neighbourhood to propose a project.'];
    expect(await code(requireRegistered(resident, here, 'propose a project', async () => null))).toEqual(refused);
    expect(await code(requireRegistered(resident, here, 'propose a project', async () => facts(elsewhere)))).toEqual(refused);
    expect(await code(requireRegistered(resident, here, 'propose a project', async () => facts(here, true)))).toEqual(['FORBIDDEN', 'MEMBER_ERASED']);
  });

  it('checks the role first, without asking the graph', async () => {
    let asked = false;
    const lookup = async () => ((asked = true), facts(here));
    expect(await code(requireRegistered({ memberId: null, roles: [] }, here, 'propose a project', lookup))).toEqual(['UNAUTHENTICATED', 'Sign in to propose a project.']);
    expect((await code(requireRegistered(resident, here, 'write SROI analyses', lookup, ['steward'])))[0]).toBe('FORBIDDEN');
    expect(asked).toBe(false);
  });

  it('refuses, rather than lets through, when the graph cannot be read', async () => {
    const unreadable = async (): Promise<MemberFacts | null> => {
      throw new GraphUnavailable('community is down');
    };
    expect((await code(requireRegistered(resident, here, 'propose a project', unreadable)))[0]).toBe('SERVICE_UNAVAILABLE');
  });
});
