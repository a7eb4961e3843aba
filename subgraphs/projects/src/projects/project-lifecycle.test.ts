import { checkProjectTransition, PROJECT_STATUSES, type ProjectStatus } from './project-lifecycle';

const LEGAL: [ProjectStatus, ProjectStatus][] = [
  ['PROPOSED', 'ACTIVE'],
  ['PROPOSED', 'CANCELLED'],
  ['ACTIVE', 'COMPLETED'],
  ['ACTIVE', 'CANCELLED'],
];
const isLegal = (from: ProjectStatus, to: ProjectStatus) => LEGAL.some(([f, t]) => f === from && t === to);

describe('the project lifecycle', () => {
  it.each(LEGAL)('%s → %s is allowed with a reason', (from, to) => {
    expect(checkProjectTransition(from, to, 'Agreed at the residents meeting of 12 March.')).toEqual({ ok: true });
  });

  const illegal = PROJECT_STATUSES.flatMap((from) => PROJECT_STATUSES.filter((to) => !isLegal(from, to)).map((to) => [from, to] as const));
  it.each(illegal)('%s → %s is refused with the rule', (from, to) => {
    const outcome = checkProjectTransition(from, to, 'any reason');
    expect(outcome).toMatchObject({ ok: false, code: 'ILLEGAL_PROJECT_TRANSITION' });
  });

  it('says what a status can become', () => {
    expect(checkProjectTransition('PROPOSED', 'COMPLETED', 'done')).toEqual({
      ok: false,
      code: 'ILLEGAL_PROJECT_TRANSITION',
      message: 'A PROPOSED project can become ACTIVE or CANCELLED, not COMPLETED.',
    });
    expect(checkProjectTransition('CANCELLED', 'ACTIVE', 'revived')).toMatchObject({ message: 'A CANCELLED project is final; it cannot become ACTIVE.' });
  });

  it('publishes no status change without a reason', () => {
    expect(checkProjectTransition('ACTIVE', 'COMPLETED', '  ')).toMatchObject({ ok: false, code: 'REASON_REQUIRED' });
  });
});
