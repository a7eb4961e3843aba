import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { badInput, isUuid, type EventRecorder } from '@dbwe/platform';
import { communityError, type ErrorOf } from '../community-errors';
import { communityEvent, type Audit, type GrantFact } from '../events';
import { checkRegistration, insertMember, isUniqueViolation, type Registration } from '../members/member.commands';
import { MemberEntity } from '../members/member.entity';
import { MunicipalityEntity } from '../neighbourhoods/municipality.entity';
import { NeighbourhoodEntity } from '../neighbourhoods/neighbourhood.entity';
import { ThemeEntity } from '../themes/theme.entity';
import { checkMunicipalityCode, checkMunicipalityDraft, checkNeighbourhoodDraft, type NeighbourhoodDraftError, type NeighbourhoodInput } from './onboarding.rules';

/*
 * Onboarding: a municipality joins, a neighbourhood starts with everything it needs, in one
 * transaction each that completes or writes nothing. The resolvers (and the command line,
 * scripts/neighbourhood.ts) decide who may; these functions do it. `actorId` is who acts: the
 * caller's identity, or null for the operator at the command line of a new installation.
 */

/** Constraint names (migrations 1764100000000, 1770500000000) the database decides races by. */
const SLUG_UNIQUE = 'neighbourhood_slug_key';
const WIJK_UNIQUE = 'neighbourhood_cbs_wijk_code_unique';
const MUNICIPALITY_PKEY = 'municipality_pkey';

type Outcome<T, E> = { ok: true; value: T } | { ok: false; error: E };

const auditOf = (actorId: string | null, reason: string): Audit => ({ actorId, role: 'admin', reason, public: true });

/** Records a grant of an office and its event, in the caller's transaction. */
export async function insertGrant(
  tx: EntityManager,
  grant: Omit<GrantFact, 'id' | 'grantedAt'>,
  audit: Audit,
  events: EventRecorder,
): Promise<GrantFact> {
  const fact: GrantFact = { ...grant, id: randomUUID(), grantedAt: new Date() };
  await tx.query(
    `INSERT INTO community.role_grant (id, member_id, role, scope, neighbourhood_id, municipality_code, granted_by, grant_reason, granted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [fact.id, fact.memberId, fact.role, fact.scope, fact.neighbourhoodId, fact.municipalityCode, audit.actorId, audit.reason, fact.grantedAt],
  );
  await events.record(tx, communityEvent.roleGranted(fact, audit));
  return fact;
}

async function insertMunicipality(tx: EntityManager, code: string, name: string, audit: Audit, events: EventRecorder): Promise<MunicipalityEntity> {
  const municipality: MunicipalityEntity = { code, name, createdAt: new Date() };
  await tx.getRepository(MunicipalityEntity).insert(municipality);
  await events.record(tx, communityEvent.municipalityRegistered(municipality, audit));
  return municipality;
}

export interface MunicipalityRegistration {
  code: string;
  name: string;
  reason: string;
  firstAdminId?: string | null;
}

type RegisterMunicipalityError = ErrorOf<'InvalidCbsCode' | 'MunicipalityCodeTaken' | 'EmptyValue' | 'ValueTooLong'>;

/** Registers a municipality and, when one is named, its first admin (a MUNICIPALITY ADMIN grant). */
export async function registerMunicipality(
  db: DataSource,
  input: MunicipalityRegistration,
  actorId: string | null,
  events: EventRecorder,
): Promise<Outcome<{ municipality: MunicipalityEntity; firstAdminGrantId: string | null }, RegisterMunicipalityError>> {
  const checked = checkMunicipalityDraft(input);
  if (!checked.ok) return checked;
  const firstAdminId = input.firstAdminId ?? null;
  if (firstAdminId !== null && !isUuid(firstAdminId)) throw badInput('firstAdminId must be an identity: a UUID, the subject of its tokens.', 'firstAdminId');
  const { code, name, reason } = checked.value;
  const audit = auditOf(actorId, reason);
  try {
    return await db.transaction(async (tx) => {
      const existing = await tx.getRepository(MunicipalityEntity).findOneBy({ code });
      if (existing) return { ok: false as const, error: communityError.municipalityCodeTaken(existing) };
      const municipality = await insertMunicipality(tx, code, name, audit, events);
      const grant =
        firstAdminId === null
          ? null
          : await insertGrant(tx, { memberId: firstAdminId.toLowerCase(), role: 'ADMIN', scope: 'MUNICIPALITY', neighbourhoodId: null, municipalityCode: code }, audit, events);
      return { ok: true as const, value: { municipality, firstAdminGrantId: grant?.id ?? null } };
    });
  } catch (error) {
    // Two admins registering the same code at once: the primary key decides.
    if (isUniqueViolation(error, MUNICIPALITY_PKEY)) {
      return { ok: false, error: communityError.municipalityCodeTaken(await db.getRepository(MunicipalityEntity).findOneByOrFail({ code })) };
    }
    throw error;
  }
}

export interface FirstAdmin extends Omit<Registration, 'neighbourhoodId' | 'phone' | 'address'> {
  memberId: string;
}

export interface Onboarding extends NeighbourhoodInput {
  municipalityCode: string;
  firstAdmin: FirstAdmin;
}

export interface Onboarded {
  neighbourhood: NeighbourhoodEntity;
  themes: ThemeEntity[];
  firstAdmin: MemberEntity;
  firstAdminGrantId: string;
  /** True when the municipality was registered in the same step (the command line's `--municipality-name`). */
  registeredMunicipality: boolean;
}

export type OnboardingError = NeighbourhoodDraftError | ErrorOf<'MunicipalityNotFound' | 'NeighbourhoodSlugTaken' | 'CbsCodeTaken' | 'AlreadyRegistered'>;

/**
 * Onboards a neighbourhood: the neighbourhood, its themes, its first admin as its member with
 * the NEIGHBOURHOOD ADMIN grant, and their events, in one transaction. `registerMunicipalityAs`
 * registers a missing municipality under that name first (the command line on a new
 * installation); otherwise a missing municipality is refused.
 */
export async function onboardNeighbourhood(
  db: DataSource,
  input: Onboarding,
  actorId: string | null,
  events: EventRecorder,
  options: { registerMunicipalityAs?: string } = {},
): Promise<Outcome<Onboarded, OnboardingError | ErrorOf<'InvalidCbsCode'>>> {
  const code = checkMunicipalityCode(input.municipalityCode, 'municipalityCode');
  if (!code.ok) return code;
  const draft = checkNeighbourhoodDraft(code.value, input);
  if (!draft.ok) return draft;
  const admin = checkRegistration(input.firstAdmin, 'firstAdmin.');
  if (!admin.ok) return admin;
  if (!isUuid(input.firstAdmin.memberId)) throw badInput('firstAdmin.memberId must be an identity: a UUID, the subject of its tokens.', 'firstAdmin.memberId');
  const adminId = input.firstAdmin.memberId.toLowerCase();
  const d = draft.value;
  const audit = auditOf(actorId, d.reason);

  const taken = async (tx: EntityManager): Promise<OnboardingError | null> => {
    const slug = await tx.getRepository(NeighbourhoodEntity).findOneBy({ slug: d.slug });
    if (slug) return communityError.neighbourhoodSlugTaken(slug);
    const wijk = d.cbsWijkCode === null ? null : await tx.getRepository(NeighbourhoodEntity).findOneBy({ cbsWijkCode: d.cbsWijkCode });
    if (wijk) return communityError.cbsCodeTaken('cbsWijkCode', wijk);
    const member = await tx.getRepository(MemberEntity).findOneBy({ id: adminId });
    if (member) return communityError.identityAlreadyRegistered(member, 'firstAdmin.memberId');
    return null;
  };

  try {
    return await db.transaction(async (tx) => {
      let municipality = await tx.getRepository(MunicipalityEntity).findOneBy({ code: code.value });
      let registeredMunicipality = false;
      if (!municipality && options.registerMunicipalityAs !== undefined) {
        const checked = checkMunicipalityDraft({ code: code.value, name: options.registerMunicipalityAs, reason: d.reason });
        if (!checked.ok) return { ok: false as const, error: { ...checked.error, field: checked.error.field === 'name' ? 'municipalityName' : checked.error.field } as OnboardingError };
        municipality = await insertMunicipality(tx, code.value, checked.value.name, audit, events);
        registeredMunicipality = true;
      }
      if (!municipality) return { ok: false as const, error: communityError.municipalityNotFound() };
      const refusal = await taken(tx);
      if (refusal) return { ok: false as const, error: refusal };

      const now = new Date();
      const neighbourhood: NeighbourhoodEntity = {
        id: randomUUID(),
        slug: d.slug,
        name: d.name,
        description: d.description,
        municipalityName: municipality.name,
        municipalityCode: municipality.code,
        cbsWijkCode: d.cbsWijkCode,
        cbsBuurtCodes: d.cbsBuurtCodes,
        pollPointsBudget: d.pollPointsBudget,
        chartTemplate: d.chartTemplate,
        onboardedBy: actorId,
        createdAt: now,
        updatedAt: now,
      };
      await tx.getRepository(NeighbourhoodEntity).insert(neighbourhood);
      const themes: ThemeEntity[] = d.themes.map((theme) => ({ id: randomUUID(), neighbourhoodId: neighbourhood.id, ...theme, createdAt: now, updatedAt: now }));
      await tx.getRepository(ThemeEntity).insert(themes);
      await events.record(
        tx,
        communityEvent.neighbourhoodOnboarded(neighbourhood, themes.map((t) => t.id), adminId, audit),
        ...themes.map((theme) => communityEvent.themeAdded(theme)),
      );
      const firstAdmin = await insertMember(tx, adminId, neighbourhood.id, admin.value, events);
      const grant = await insertGrant(tx, { memberId: adminId, role: 'ADMIN', scope: 'NEIGHBOURHOOD', neighbourhoodId: neighbourhood.id, municipalityCode: null }, audit, events);
      return { ok: true as const, value: { neighbourhood, themes, firstAdmin, firstAdminGrantId: grant.id, registeredMunicipality } };
    });
  } catch (error) {
    // A concurrent onboarding took the slug, the wijk or the identity between the checks and the inserts: the constraints decide, and say which.
    if ([SLUG_UNIQUE, WIJK_UNIQUE, 'member_pkey'].some((constraint) => isUniqueViolation(error, constraint))) {
      const refusal = await db.transaction((tx) => taken(tx));
      if (refusal) return { ok: false, error: refusal };
    }
    throw error;
  }
}
