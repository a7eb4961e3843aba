import type { MemberEntity } from './members/member.entity';
import type { WishEntity } from './wishes/wish.entity';
import type { ThemeEntity } from './themes/theme.entity';
import type { OfficeRow } from './roles/offices'
import type { NeighbourhoodEntity } from './neighbourhoods/neighbourhood.entity';
import type { MunicipalityEntity } from './neighbourhoods/municipality.entity';

/**
 * The expected failures of community mutations, as values. Each is a GraphQL
 * type implementing `CommunityError`; `__typename` picks it in the result
 * unions. Returning one means nothing was written.
 */
export type CommunityError =
  | { __typename: 'NeighbourhoodNotFound'; code: 'NEIGHBOURHOOD_NOT_FOUND'; message: string; field: string }
  | { __typename: 'AlreadyRegistered'; code: 'ALREADY_REGISTERED'; message: string; field: string | null; member: MemberEntity }
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
  | { __typename: 'WebhookSubscriptionNotFound'; code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND'; message: string; field: string }
  | { __typename: 'MunicipalityNotFound'; code: 'MUNICIPALITY_NOT_FOUND'; message: string; field: string }
  | { __typename: 'NotRegisteredHere'; code: 'NOT_REGISTERED_HERE'; message: string; field: string }
  | { __typename: 'OfficeAlreadyHeld'; code: 'OFFICE_ALREADY_HELD'; message: string; field: string; office: OfficeRow }
  | { __typename: 'InvalidOffice'; code: 'INVALID_OFFICE'; message: string; field: string }
  | { __typename: 'OfficeNotFound'; code: 'OFFICE_NOT_FOUND'; message: string; field: string }
  | { __typename: 'OfficeAlreadyRevoked'; code: 'OFFICE_ALREADY_REVOKED'; message: string; field: string; office: OfficeRow }
  | { __typename: 'MunicipalityCodeTaken'; code: 'MUNICIPALITY_CODE_TAKEN'; message: string; field: string; municipality: MunicipalityEntity }
  | { __typename: 'InvalidCbsCode'; code: 'INVALID_CBS_CODE'; message: string; field: string; expectedForm: string }
  | { __typename: 'CbsCodeMismatch'; code: 'CBS_CODE_MISMATCH'; message: string; field: string; cbsCode: string; mustStartWith: string }
  | { __typename: 'CbsCodeTaken'; code: 'CBS_CODE_TAKEN'; message: string; field: string; neighbourhood: NeighbourhoodEntity }
  | { __typename: 'NeighbourhoodSlugTaken'; code: 'NEIGHBOURHOOD_SLUG_TAKEN'; message: string; field: string; neighbourhood: NeighbourhoodEntity }
  | { __typename: 'DuplicateValue'; code: 'DUPLICATE_VALUE'; message: string; field: string; value: string };

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
  /** Onboarding names someone else as the first admin, who already joined a neighbourhood (a member belongs to one). */
  identityAlreadyRegistered: (member: MemberEntity, field: string): ErrorOf<'AlreadyRegistered'> => ({
    __typename: 'AlreadyRegistered',
    code: 'ALREADY_REGISTERED',
    message: 'This identity is already registered as a member of a neighbourhood; a member belongs to one. Name another identity.',
    field,
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
  notRegisteredHere: (): ErrorOf<'NotRegisteredHere'> => ({
    __typename: 'NotRegisteredHere',
    code: 'NOT_REGISTERED_HERE',
    message: 'A steward or admin of a neighbourhood must be a member registered there; this identity is not (or was erased).',
    field: 'memberId',
  }),
  officeAlreadyHeld: (office: OfficeRow): ErrorOf<'OfficeAlreadyHeld'> => ({
    __typename: 'OfficeAlreadyHeld',
    code: 'OFFICE_ALREADY_HELD',
    message: 'This identity holds this office already.',
    field: 'role',
    office,
  }),
  invalidOffice: (field: string, message: string): ErrorOf<'InvalidOffice'> => ({ __typename: 'InvalidOffice', code: 'INVALID_OFFICE', message, field }),
  officeNotFound: (): ErrorOf<'OfficeNotFound'> => ({
    __typename: 'OfficeNotFound',
    code: 'OFFICE_NOT_FOUND',
    message: 'There is no office with this id.',
    field: 'officeId',
  }),
  officeAlreadyRevoked: (office: OfficeRow): ErrorOf<'OfficeAlreadyRevoked'> => ({
    __typename: 'OfficeAlreadyRevoked',
    code: 'OFFICE_ALREADY_REVOKED',
    message: 'This office was revoked already.',
    field: 'officeId',
    office,
  }),
  municipalityNotFound: (field = 'municipalityCode'): ErrorOf<'MunicipalityNotFound'> => ({
    __typename: 'MunicipalityNotFound',
    code: 'MUNICIPALITY_NOT_FOUND',
    message: 'No municipality with this CBS code is registered; a platform admin registers it first (registerMunicipality).',
    field,
  }),
  municipalityCodeTaken: (municipality: MunicipalityEntity): ErrorOf<'MunicipalityCodeTaken'> => ({
    __typename: 'MunicipalityCodeTaken',
    code: 'MUNICIPALITY_CODE_TAKEN',
    message: `${municipality.code} is registered already (as ${municipality.name}).`,
    field: 'code',
    municipality,
  }),
  invalidCbsCode: (field: string, expectedForm: string): ErrorOf<'InvalidCbsCode'> => ({
    __typename: 'InvalidCbsCode',
    code: 'INVALID_CBS_CODE',
    message: `${field} is not a CBS code of the form ${expectedForm}.`,
    field,
    expectedForm,
  }),
  cbsCodeMismatch: (field: string, cbsCode: string, mustStartWith: string, of: string): ErrorOf<'CbsCodeMismatch'> => ({
    __typename: 'CbsCodeMismatch',
    code: 'CBS_CODE_MISMATCH',
    message: `${cbsCode} does not lie in ${of}: it must start with ${mustStartWith}.`,
    field,
    cbsCode,
    mustStartWith,
  }),
  cbsCodeTaken: (field: string, neighbourhood: NeighbourhoodEntity): ErrorOf<'CbsCodeTaken'> => ({
    __typename: 'CbsCodeTaken',
    code: 'CBS_CODE_TAKEN',
    message: `This CBS wijk is neighbourhood "${neighbourhood.slug}" already; a wijk is one neighbourhood's.`,
    field,
    neighbourhood,
  }),
  neighbourhoodSlugTaken: (neighbourhood: NeighbourhoodEntity): ErrorOf<'NeighbourhoodSlugTaken'> => ({
    __typename: 'NeighbourhoodSlugTaken',
    code: 'NEIGHBOURHOOD_SLUG_TAKEN',
    message: `The installation already has a neighbourhood "${neighbourhood.slug}"; choose another slug.`,
    field: 'slug',
    neighbourhood,
  }),
  duplicateValue: (field: string, value: string): ErrorOf<'DuplicateValue'> => ({
    __typename: 'DuplicateValue',
    code: 'DUPLICATE_VALUE',
    message: `${value} is named more than once in ${field}.`,
    field,
    value,
  }),
};

/** Either the checked value or the error that explains why it was refused. */
export type Checked<T, E extends CommunityError = CommunityError> = { ok: true; value: T } | { ok: false; error: E };

export const accept = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const refuse = <E extends CommunityError>(error: E): { ok: false; error: E } => ({ ok: false, error });
