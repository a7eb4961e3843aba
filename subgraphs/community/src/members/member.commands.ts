import type { DataSource } from 'typeorm';
import type { EventRecorder } from '@dbwe/platform';
import { communityEvent } from '../events';
import type { MemberDomain, MemberKind } from './member.entity';
import { MemberEntity } from './member.entity';
import { communityError, type ErrorOf } from '../community-errors';
import { checkOptionalText, checkText, TEXT_LIMITS } from '../text.rules';
import { NeighbourhoodEntity } from '../neighbourhoods/neighbourhood.entity';
import { isUuid } from '@dbwe/platform';

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

/** Registers an identity as a member; its id is the identity's subject. */
export async function registerMember(db: DataSource, id: string, input: Registration, events: EventRecorder): Promise<Outcome<ErrorOf<'NeighbourhoodNotFound' | 'AlreadyRegistered' | 'EmptyValue' | 'ValueTooLong'>>> {
  const displayName = checkText(input.displayName, { field: 'displayName', max: TEXT_LIMITS.displayName, required: true });
  if (!displayName.ok) return displayName;
  const fullName = checkText(input.fullName, { field: 'fullName', max: TEXT_LIMITS.fullName, required: true });
  if (!fullName.ok) return fullName;
  const personal = checkPersonalData(input);
  if (!personal.ok) return personal;

  if (!isUuid(input.neighbourhoodId)) return { ok: false, error: communityError.neighbourhoodNotFound() };
  return db.transaction(async (tx) => {
    const neighbourhood = await tx.getRepository(NeighbourhoodEntity).findOne({ where: { id: input.neighbourhoodId }, select: { id: true } });
    if (!neighbourhood) return { ok: false, error: communityError.neighbourhoodNotFound() };
    const now = new Date();
    const member: MemberEntity = {
      id,
      neighbourhoodId: neighbourhood.id,
      displayName: displayName.value,
      kind: input.kind,
      domain: input.domain,
      joinedAt: now,
      roles: ['RESIDENT'],
      erasedAt: null,
      fullName: fullName.value,
      ...personal.value,
      updatedAt: now,
    };
    const inserted = await tx
      .createQueryBuilder()
      .insert()
      .into(MemberEntity)
      .values(member)
      .orIgnore()
      .returning('id')
      .execute();
    if (inserted.raw.length === 0) {
      const existing = await tx.getRepository(MemberEntity).findOneByOrFail({ id });
      return { ok: false, error: communityError.alreadyRegistered(existing) };
    }
    await events.record(tx, communityEvent.memberRegistered(member));
    return { ok: true, member };
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
export async function updateProfile(db: DataSource, member: MemberEntity, input: ProfileChange, events: EventRecorder): Promise<Outcome<ErrorOf<'EmptyValue' | 'ValueTooLong'>>> {
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
  await db.transaction(async (tx) => {
    await tx.getRepository(MemberEntity).update({ id: member.id }, change);
    await events.record(tx, communityEvent.memberProfileUpdated(updated, change.displayName !== undefined ? ['displayName'] : []));
  });
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
