import type { ProjectsErrorCode } from '../generated/graphql';
import type { DateViolation, Violation } from './validation';

/**
 * Expected failures as the schema's error types. Each carries its
 * __typename so the result unions resolve without guessing.
 */
export type InvalidInputResult = { __typename: 'InvalidInput' } & Violation;
type DatesOutOfOrderResult = { __typename: 'DatesOutOfOrder' } & DateViolation;

export function invalidInput(v: Violation): InvalidInputResult;
export function invalidInput(v: Violation | DateViolation): InvalidInputResult | DatesOutOfOrderResult;
export function invalidInput(v: Violation | DateViolation): InvalidInputResult | DatesOutOfOrderResult {
  return v.code === 'END_BEFORE_START' ? { __typename: 'DatesOutOfOrder', ...v } : { __typename: 'InvalidInput', ...v };
}

export function invalidAmount(code: 'INVALID_AMOUNT' | 'NEGATIVE_AMOUNT', message: string, field: string) {
  return { __typename: 'InvalidAmount' as const, code, message, field };
}

export function ruleViolation(code: ProjectRuleCode, message: string, field: string | null = null) {
  return { __typename: 'ProjectRuleViolation' as const, code, message, field };
}

export type ProjectRuleCode =
  | 'ILLEGAL_PROJECT_TRANSITION'
  | 'REASON_REQUIRED'
  | 'MILESTONE_ALREADY_REACHED'
  | 'PROJECT_NOT_ACTIVE'
  | 'ALREADY_PARTICIPATING'
  | 'COORDINATOR_CANNOT_LEAVE';

export function wishInOtherNeighbourhood(wishId: string, wishNeighbourhoodId: string, projectNeighbourhoodId: string) {
  return {
    __typename: 'WishInOtherNeighbourhood' as const,
    code: 'WISH_IN_OTHER_NEIGHBOURHOOD' as const,
    message: `Wish ${wishId} belongs to neighbourhood ${wishNeighbourhoodId}; a project takes up wishes of its own neighbourhood (${projectNeighbourhoodId}) only.`,
    field: 'wishes',
    wish: { id: wishId },
  };
}

/** Every result union and the error interface resolve by the __typename set above. */
export const byTypename = {
  __resolveType: <T extends { __typename?: string }>(value: T) => value.__typename as NonNullable<T['__typename']>,
};

export type { ProjectsErrorCode };
