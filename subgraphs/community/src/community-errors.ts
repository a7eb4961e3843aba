import type { MemberEntity } from './members/member.entity';
import type { WishEntity } from './wishes/wish.entity';
import type { ThemeEntity } from './themes/theme.entity';

/**
 * The expected failures of community mutations, as values. Each is a GraphQL
 * type implementing `CommunityError`; `__typename` picks it in the result
 * unions. Returning one means nothing was written.
 */
export type CommunityError =
  | { __typename: 'NeighbourhoodNotFound'; code: 'NEIGHBOURHOOD_NOT_FOUND'; message: string; field: string }
  | { __typename: 'AlreadyRegistered'; code: 'ALREADY_REGISTERED'; message: string; field: null; member: MemberEntity }
  | { __typename: 'MemberNotFound'; code: 'MEMBER_NOT_FOUND'; message: string; field: string }
  | { __typename: 'NothingToConfirm'; code: 'NOTHING_TO_CONFIRM'; message: string; field: string; member: MemberEntity }
  | { __typename: 'DisplayNameTaken'; code: 'DISPLAY_NAME_TAKEN'; message: string; field: string }
  | { __typename: 'EmptyValue'; code: 'EMPTY_VALUE'; message: string; field: string }
  | { __typename: 'ValueTooLong'; code: 'VALUE_TOO_LONG'; message: string; field: string; maxLength: number }
  | { __typename: 'ValueOutOfRange'; code: 'VALUE_OUT_OF_RANGE'; message: string; field: string; min: number; max: number }
  | { __typename: 'UnknownTheme'; code: 'UNKNOWN_THEME'; message: string; field: string; themeId: string }
  | { __typename: 'InvalidSlug'; code: 'INVALID_SLUG'; message: string; field: string }
  | { __typename: 'ThemeSlugTaken'; code: 'THEME_SLUG_TAKEN'; message: string; field: string; theme: ThemeEntity }
  | { __typename: 'WishNotFound'; code: 'WISH_NOT_FOUND'; message: string; field: string }
  | { __typename: 'AlreadySupported'; code: 'ALREADY_SUPPORTED'; message: string; field: string; wish: WishEntity }
  | { __typename: 'NotSupported'; code: 'NOT_SUPPORTED'; message: string; field: string; wish: WishEntity }
  | { __typename: 'WishArchived'; code: 'WISH_ARCHIVED'; message: string; field: string }
  | { __typename: 'PollNotFound'; code: 'POLL_NOT_FOUND'; message: string; field: string }
  | { __typename: 'PollClosed'; code: 'POLL_CLOSED'; message: string; field: string; closedAt: Date }
  | { __typename: 'OverBudget'; code: 'OVER_BUDGET'; message: string; field: string; budget: number; allocated: number }
  | { __typename: 'InvalidAllocation'; code: 'INVALID_ALLOCATION'; message: string; field: string }
  | { __typename: 'WebhookUrlRefused'; code: 'WEBHOOK_URL_REFUSED'; message: string; field: string; reason: string }
  | { __typename: 'UnknownEventType'; code: 'UNKNOWN_EVENT_TYPE'; message: string; field: string; eventType: string }
  | { __typename: 'WebhookLimitReached'; code: 'WEBHOOK_LIMIT_REACHED'; message: string; field: null; limit: number }
  | { __typename: 'WebhookSubscriptionNotFound'; code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND'; message: string; field: string };

export type ErrorOf<T extends CommunityError['__typename']> = Extract<CommunityError, { __typename: T }>;

export const communityError = {
  neighbourhoodNotFound: (field = 'neighbourhoodId'): ErrorOf<'NeighbourhoodNotFound'> => ({
    __typename: 'NeighbourhoodNotFound',
    code: 'NEIGHBOURHOOD_NOT_FOUND',
    message: 'There is no neighbourhood with this id.',
    field,
  }),
  alreadyRegistered: (member: MemberEntity): ErrorOf<'AlreadyRegistered'> => ({
    __typename: 'AlreadyRegistered',
    code: 'ALREADY_REGISTERED',
    message: 'You are already registered as a member.',
    field: null,
    member,
  }),
  memberNotFound: (field = 'memberId'): ErrorOf<'MemberNotFound'> => ({
    __typename: 'MemberNotFound',
    code: 'MEMBER_NOT_FOUND',
    message: 'There is no member with this id.',
    field,
  }),
  nothingToConfirm: (member: MemberEntity): ErrorOf<'NothingToConfirm'> => ({
    __typename: 'NothingToConfirm',
    code: 'NOTHING_TO_CONFIRM',
    message:
      member.erasedAt !== null
        ? 'This member was erased; there is no claim left to decide.'
        : `This member's domain (${member.domain}) waits for no decision: they registered as a citizen, or an admin already decided.`,
    field: 'memberId',
    member,
  }),
  displayNameTaken: (): ErrorOf<'DisplayNameTaken'> => ({
    __typename: 'DisplayNameTaken',
    code: 'DISPLAY_NAME_TAKEN',
    message: 'Another member of this neighbourhood already uses this display name (case and accents do not count); choose another.',
    field: 'displayName',
  }),
  emptyValue: (field: string): ErrorOf<'EmptyValue'> => ({
    __typename: 'EmptyValue',
    code: 'EMPTY_VALUE',
    message: `${field} must not be empty.`,
    field,
  }),
  valueTooLong: (field: string, maxLength: number): ErrorOf<'ValueTooLong'> => ({
    __typename: 'ValueTooLong',
    code: 'VALUE_TOO_LONG',
    message: `${field} may be at most ${maxLength} characters long.`,
    field,
    maxLength,
  }),
  valueOutOfRange: (field: string, min: number, max: number, what = 'must be'): ErrorOf<'ValueOutOfRange'> => ({
    __typename: 'ValueOutOfRange',
    code: 'VALUE_OUT_OF_RANGE',
    message: `${field} ${what} between ${min} and ${max}.`,
    field,
    min,
    max,
  }),
  unknownTheme: (field: string, themeId: string, where = 'the neighbourhood'): ErrorOf<'UnknownTheme'> => ({
    __typename: 'UnknownTheme',
    code: 'UNKNOWN_THEME',
    message: `${themeId} is not a theme of ${where}.`,
    field,
    themeId,
  }),
  invalidSlug: (field = 'slug'): ErrorOf<'InvalidSlug'> => ({
    __typename: 'InvalidSlug',
    code: 'INVALID_SLUG',
    message: 'Use lowercase letters and digits, in groups joined by single hyphens, e.g. green-roofs.',
    field,
  }),
  themeSlugTaken: (theme: ThemeEntity): ErrorOf<'ThemeSlugTaken'> => ({
    __typename: 'ThemeSlugTaken',
    code: 'THEME_SLUG_TAKEN',
    message: `The neighbourhood already has a theme "${theme.slug}".`,
    field: 'slug',
    theme,
  }),
  wishNotFound: (field = 'wishId'): ErrorOf<'WishNotFound'> => ({
    __typename: 'WishNotFound',
    code: 'WISH_NOT_FOUND',
    message: 'There is no wish with this id.',
    field,
  }),
  alreadySupported: (wish: WishEntity): ErrorOf<'AlreadySupported'> => ({
    __typename: 'AlreadySupported',
    code: 'ALREADY_SUPPORTED',
    message: 'You already support this wish; a member supports a wish once.',
    field: 'wishId',
    wish,
  }),
  notSupported: (wish: WishEntity): ErrorOf<'NotSupported'> => ({
    __typename: 'NotSupported',
    code: 'NOT_SUPPORTED',
    message: 'You do not support this wish, so there is no support to withdraw.',
    field: 'wishId',
    wish,
  }),
  wishArchived: (): ErrorOf<'WishArchived'> => ({
    __typename: 'WishArchived',
    code: 'WISH_ARCHIVED',
    message: 'This wish is archived.',
    field: 'wishId',
  }),
  pollNotFound: (field = 'pollId'): ErrorOf<'PollNotFound'> => ({
    __typename: 'PollNotFound',
    code: 'POLL_NOT_FOUND',
    message: 'There is no poll with this id.',
    field,
  }),
  pollClosed: (closedAt: Date, field = 'pollId'): ErrorOf<'PollClosed'> => ({
    __typename: 'PollClosed',
    code: 'POLL_CLOSED',
    message: `This poll closed at ${closedAt.toISOString()}.`,
    field,
    closedAt,
  }),
  overBudget: (budget: number, allocated: number): ErrorOf<'OverBudget'> => ({
    __typename: 'OverBudget',
    code: 'OVER_BUDGET',
    message: `You gave ${allocated} points; the budget is ${budget}.`,
    field: 'allocations',
    budget,
    allocated,
  }),
  invalidAllocation: (message: string): ErrorOf<'InvalidAllocation'> => ({
    __typename: 'InvalidAllocation',
    code: 'INVALID_ALLOCATION',
    message,
    field: 'allocations',
  }),
  webhookUrlRefused: (reason: string, message: string): ErrorOf<'WebhookUrlRefused'> => ({
    __typename: 'WebhookUrlRefused',
    code: 'WEBHOOK_URL_REFUSED',
    message,
    field: 'url',
    reason,
  }),
  unknownEventType: (eventType: string): ErrorOf<'UnknownEventType'> => ({
    __typename: 'UnknownEventType',
    code: 'UNKNOWN_EVENT_TYPE',
    message: `${eventType} is not one of the platform's public event types (docs/events.md lists them).`,
    field: 'eventTypes',
    eventType,
  }),
  webhookLimitReached: (limit: number): ErrorOf<'WebhookLimitReached'> => ({
    __typename: 'WebhookLimitReached',
    code: 'WEBHOOK_LIMIT_REACHED',
    message: `A member may hold at most ${limit} webhook subscriptions; delete one first.`,
    field: null,
    limit,
  }),
  webhookSubscriptionNotFound: (): ErrorOf<'WebhookSubscriptionNotFound'> => ({
    __typename: 'WebhookSubscriptionNotFound',
    code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
    message: 'You hold no webhook subscription with this id.',
    field: 'id',
  }),
};

/** Either the checked value or the error that explains why it was refused. */
export type Checked<T, E extends CommunityError = CommunityError> = { ok: true; value: T } | { ok: false; error: E };

export const accept = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const refuse = <E extends CommunityError>(error: E): { ok: false; error: E } => ({ ok: false, error });
