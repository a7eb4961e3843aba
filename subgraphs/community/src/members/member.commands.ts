import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import type { EventRecorder } from '@dbwe/platform';
import { communityEvent, type Audit } from '../events';
import type { MemberDomain, MemberKind } from './member.entity';
import { MemberEntity } from './member.entity';
import { communityError, refuse, type Checked, type ErrorOf } from '../community-errors';
import { checkOptionalText, checkText, TEXT_LIMITS } from '../text.rules';
import { NeighbourhoodEntity } from '../neighbourhoods/neighbourhood.entity';
import { isUuid } from '@dbwe/platform';

/** The unique index (migration 1770100000000) that keeps display names apart per neighbourhood. */
const DISPLAY_NAME_INDEX = 'member_display_name_unique';

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === constraint;
}

/** True when the database refused a write because the display name is another member's. */
export const isDisplayNameClash = (error: unknown) => isUniqueViolation(error, DISPLAY_NAME_INDEX);

type Outcome<E> = { ok: true; member: MemberEntity } | { ok: false; error: E };

export interface Registration {
  neighbourhoodId: string;
  displayName: string;
  kind: MemberKind;
  domain: MemberDomain;
  fullName: string;
  email?: string | null;
  phone?: string | null;
  address?: string | null;
}

export type RegistrationError = ErrorOf<'EmptyValue' | 'ValueTooLong'>;
type CheckedRegistration = Pick<MemberEntity, 'displayName' | 'kind' | 'domain' | 'fullName' | 'email' | 'phone' | 'address'>;

/** The checks of a registration's texts, the same whether members register themselves or are onboarded as a first admin. */
export function checkRegistration(input: Omit<Registration, 'neighbourhoodId'>, fieldPrefix = ''): Checked<CheckedRegistration, RegistrationError> {
  const refused = (error: RegistrationError) => refuse({ ...error, field: `${fieldPrefix}${error.field}` });
  const displayName = checkText(input.displayName, { field: 'displayName', max: TEXT_LIMITS.displayName, required: true });
  if (!displayName.ok) return refused(displayName.error);
  const fullName = checkText(input.fullName, { field: 'fullName', max: TEXT_LIMITS.fullName, required: true });
  if (!fullName.ok) return refused(fullName.error);
  const personal = checkPersonalData(input);
  if (!personal.ok) return refused(personal.error);
  return { ok: true, value: { displayName: displayName.value, kind: input.kind, domain: input.domain, fullName: fullName.value, ...personal.value } };
}

/**
 * Inserts a checked member and records its event, in the caller's transaction. A plain insert:
 * the display-name index and the primary key must raise (isDisplayNameClash, member_pkey), not be ignored.
 */
export async function insertMember(tx: EntityManager, id: string, neighbourhoodId: string, checked: CheckedRegistration, events: EventRecorder): Promise<MemberEntity> {
  const now = new Date();
  // A citizen is who they say at once; any other domain is a claim, shown as CITIZEN until an admin confirms it.
  const claimedDomain = checked.domain === 'CITIZEN' ? null : checked.domain;
  const member: MemberEntity = {
    id,
    neighbourhoodId,
    ...checked,
    domain: 'CITIZEN',
    claimedDomain,
    domainConfirmedAt: claimedDomain === null ? now : null,
    domainConfirmedBy: null,
    joinedAt: now,
    roles: ['RESIDENT'],
    erasedAt: null,
    updatedAt: now,
  };
  await tx.getRepository(MemberEntity).insert(member);
  await events.record(tx, communityEvent.memberRegistered(member));
  return member;
}

/** Registers an identity as a member; its id is the identity's subject. */
export async function registerMember(db: DataSource, id: string, input: Registration, events: EventRecorder): Promise<Outcome<ErrorOf<'NeighbourhoodNotFound' | 'AlreadyRegistered' | 'EmptyValue' | 'ValueTooLong' | 'DisplayNameTaken'>>> {
  const checked = checkRegistration(input);
  if (!checked.ok) return checked;

  if (!isUuid(input.neighbourhoodId)) return { ok: false, error: communityError.neighbourhoodNotFound() };
  return db.transaction(async (tx): Promise<Outcome<ErrorOf<'NeighbourhoodNotFound' | 'AlreadyRegistered'>>> => {
    const neighbourhood = await tx.getRepository(NeighbourhoodEntity).findOne({ where: { id: input.neighbourhoodId }, select: { id: true } });
    if (!neighbourhood) return { ok: false, error: communityError.neighbourhoodNotFound() };
    const existing = await tx.getRepository(MemberEntity).findOneBy({ id });
    if (existing) return { ok: false, error: communityError.alreadyRegistered(existing) };
    return { ok: true, member: await insertMember(tx, id, neighbourhood.id, checked.value, events) };
  }).catch(async (error: unknown) => {
    if (isDisplayNameClash(error)) return { ok: false, error: communityError.displayNameTaken() };
    // The same identity registering twice at once: the primary key decides, the loser is told who won.
    if (isUniqueViolation(error, 'member_pkey')) {
      return { ok: false, error: communityError.alreadyRegistered(await db.getRepository(MemberEntity).findOneByOrFail({ id })) };
    }
    throw error;
  });
}

/** An admin's decision on a claimed domain: confirmed, it becomes the public domain; rejected, the member stays a citizen. */
export async function decideClaimedDomain(
  db: DataSource,
  memberId: string,
  decision: 'confirmed' | 'rejected',
  audit: Audit & { actorId: string; reason: string },
  events: EventRecorder,
): Promise<Outcome<ErrorOf<'MemberNotFound' | 'NothingToConfirm' | 'EmptyValue' | 'ValueTooLong'>>> {
  const reason = checkText(audit.reason, { field: 'reason', max: TEXT_LIMITS.reason, required: true });
  if (!reason.ok) return reason;
  return db.transaction(async (tx) => {
    const repository = tx.getRepository(MemberEntity);
    // Locked, so two admins deciding at once decide once: the second finds nothing left to confirm.
    const member = await repository.findOne({ where: { id: memberId }, lock: { mode: 'pessimistic_write' } });
    if (!member) return { ok: false, error: communityError.memberNotFound() };
    const claimed = member.claimedDomain;
    if (claimed === null || member.erasedAt !== null) return { ok: false, error: communityError.nothingToConfirm(member) };
    const now = new Date();
    const change = { domain: decision === 'confirmed' ? claimed : ('CITIZEN' as const), claimedDomain: null, domainConfirmedAt: now, domainConfirmedBy: audit.actorId, updatedAt: now };
    await repository.update({ id: member.id }, change);
    const decided: MemberEntity = { ...member, ...change };
    await events.record(tx, communityEvent.memberDomainDecided(decided, decision, claimed, { ...audit, reason: reason.value }));
    return { ok: true, member: decided };
  });
}

export interface ProfileChange {
  displayName?: string | null;
  fullName?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: string | null;
}

/** Applies a profile change; omitted fields stay, null clears the optional contact fields. */
export async function updateProfile(db: DataSource, member: MemberEntity, input: ProfileChange, events: EventRecorder): Promise<Outcome<ErrorOf<'EmptyValue' | 'ValueTooLong' | 'DisplayNameTaken'>>> {
  const change: Partial<MemberEntity> = {};
  if (input.displayName !== undefined) {
    const checked = checkText(input.displayName ?? '', { field: 'displayName', max: TEXT_LIMITS.displayName, required: true });
    if (!checked.ok) return checked;
    change.displayName = checked.value;
  }
  if (input.fullName !== undefined) {
    const checked = checkText(input.fullName ?? '', { field: 'fullName', max: TEXT_LIMITS.fullName, required: true });
    if (!checked.ok) return checked;
    change.fullName = checked.value;
  }
  const personal = checkPersonalData(input);
  if (!personal.ok) return personal;
  for (const key of ['email', 'phone', 'address'] as const) {
    if (input[key] !== undefined) change[key] = personal.value[key];
  }
  change.updatedAt = new Date();
  const updated = { ...member, ...change };
  try {
    await db.transaction(async (tx) => {
      await tx.getRepository(MemberEntity).update({ id: member.id }, change);
      await events.record(tx, communityEvent.memberProfileUpdated(updated, change.displayName !== undefined ? ['displayName'] : []));
    });
  } catch (error) {
    if (isDisplayNameClash(error)) return { ok: false, error: communityError.displayNameTaken() };
    throw error;
  }
  return { ok: true, member: updated };
}

function checkPersonalData(input: { email?: string | null; phone?: string | null; address?: string | null }) {
  const email = checkOptionalText(input.email, { field: 'email', max: TEXT_LIMITS.email });
  if (!email.ok) return email;
  const phone = checkOptionalText(input.phone, { field: 'phone', max: TEXT_LIMITS.phone });
  if (!phone.ok) return phone;
  const address = checkOptionalText(input.address, { field: 'address', max: TEXT_LIMITS.address });
  if (!address.ok) return address;
  return { ok: true as const, value: { email: email.value, phone: phone.value, address: address.value } };
}
