/**
 * The project lifecycle: PROPOSED → ACTIVE → COMPLETED, and CANCELLED from
 * either PROPOSED or ACTIVE. Completed and cancelled projects are final.
 */

export const PROJECT_STATUSES = ['PROPOSED', 'ACTIVE', 'COMPLETED', 'CANCELLED'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

const NEXT: Readonly<Record<ProjectStatus, readonly ProjectStatus[]>> = {
  PROPOSED: ['ACTIVE', 'CANCELLED'],
  ACTIVE: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

export type ProjectStepOutcome =
  | { ok: true }
  | { ok: false; code: 'ILLEGAL_PROJECT_TRANSITION' | 'REASON_REQUIRED'; message: string };

/** Whether a project may move from one status to another, given the public reason. */
export function checkProjectTransition(from: ProjectStatus, to: ProjectStatus, reason: string): ProjectStepOutcome {
  if (!NEXT[from].includes(to)) {
    const allowed = NEXT[from];
    return {
      ok: false,
      code: 'ILLEGAL_PROJECT_TRANSITION',
      message:
        allowed.length === 0
          ? `A ${from} project is final; it cannot become ${to}.`
          : `A ${from} project can become ${allowed.join(' or ')}, not ${to}.`,
    };
  }
  if (reason.trim() === '') {
    return { ok: false, code: 'REASON_REQUIRED', message: 'Every status change is published with its reason; give one.' };
  }
  return { ok: true };
}

/** Milestones are reached while the project runs: not before it starts, not after it ended. */
export function canReachMilestones(status: ProjectStatus): boolean {
  return status === 'ACTIVE';
}
