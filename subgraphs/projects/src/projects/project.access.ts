import { forbidden, hasRole, requireMember, type Viewer } from '@dbwe/platform';
import type { ProjectEntity } from './project.entity';

/** The coordinator runs their project; a steward of its neighbourhood may step in. Returns the actor's member id. */
export function requireProjectManager(viewer: Viewer, project: ProjectEntity, action: string): string {
  const memberId = requireMember(viewer, action);
  if (project.coordinatorId === memberId || hasRole(viewer, ['steward'], project.neighbourhoodId)) return memberId;
  throw forbidden(`Only the project's coordinator or a steward of its neighbourhood may ${action}.`);
}

/** A member may add or remove themself as a resident of the neighbourhood; anyone else needs the project's manager. */
export function requireSelfOrManager(viewer: Viewer, project: ProjectEntity, memberId: string, action: string): string {
  const actor = requireMember(viewer, action);
  if (actor === memberId && hasRole(viewer, ['resident', 'steward'], project.neighbourhoodId)) return actor;
  return requireProjectManager(viewer, project, action);
}

/** Those who take part in a project, and its neighbourhood's stewards, record what it learned. */
export function requireLessonAuthor(viewer: Viewer, project: ProjectEntity, participantIds: readonly string[]): string {
  const actor = requireMember(viewer, 'record a lesson');
  if (participantIds.includes(actor) || hasRole(viewer, ['steward'], project.neighbourhoodId)) return actor;
  throw forbidden("Only the project's participants or a steward of its neighbourhood may record its lessons.");
}
