import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { fail, refuse, succeed, type LedgerFailure, type Outcome } from '../ledger-errors';
import type { Unit } from '../money/money';
import { isUuid, type AuditFact, type EventRecorder } from '@dbwe/platform';
import { ledgerEvent } from '../events';
import { textProblem } from '../entries/posting-rules';
import { projectNeighbourhood } from '../entries/booking';
import { violationOf } from '../transactions';
import { AccountEntity, type AccountType } from './account.entity';

export interface CreateAccountArgs {
  neighbourhoodId: string;
  code: string;
  name: string;
  type: AccountType;
  unit: Unit;
  projectId?: string | null;
  taakveld?: string | null;
  noOverdraft?: boolean | null;
}

/** The same patterns as the account table's CHECK constraints. */
const CODE = /^[0-9A-Za-z.-]{1,20}$/;
const TAAKVELD = /^[0-9]\.[0-9]{1,2}(\.[0-9])?$/;

/** Adds an account to open books; its code is unique within them, and its project (`checkProject`) is one of the neighbourhood's. */
export async function createAccount(
  db: DataSource,
  args: CreateAccountArgs,
  recordedBy: string | null,
  checkProject: (projectId: string, neighbourhoodId: string) => Promise<LedgerFailure | null>,
  events: EventRecorder,
  audit: AuditFact,
  now = new Date(),
): Promise<Outcome<AccountEntity>> {
  const neighbourhoodId = args.neighbourhoodId.toLowerCase();
  const code = args.code.trim();
  if (!CODE.test(code)) return refuse(fail.invalid('code', 'An account code is 1 to 20 letters, digits, dots or dashes.'));
  const name = args.name.trim();
  const nameProblem = textProblem(name, 1, 200);
  if (nameProblem) return refuse(fail.invalid('name', `The name ${nameProblem}.`));
  const taakveld = args.taakveld?.trim() || null;
  if (taakveld !== null && !TAAKVELD.test(taakveld)) {
    return refuse(fail.invalid('taakveld', 'An Iv3 taakveld looks like 0.1, 5.7 or 6.71.'));
  }
  if (args.projectId != null && !isUuid(args.projectId)) return refuse(fail.invalid('projectId', 'projectId is not an id this API handed out.'));
  const projectId = args.projectId?.toLowerCase() ?? null;

  const open: unknown[] = await db.query(`SELECT 1 FROM ledger.chain WHERE neighbourhood_id = $1`, [neighbourhoodId]);
  if (open.length === 0) return refuse(fail.booksNotOpen(neighbourhoodId));
  if (projectId) {
    const refused = await checkProject(projectId, neighbourhoodId);
    if (refused) return refuse(refused);
    const pinned = await projectNeighbourhood(db.manager, projectId);
    if (pinned !== null && pinned !== neighbourhoodId) return refuse(fail.projectInOtherNeighbourhood(projectId));
  }

  const account: AccountEntity = {
    id: randomUUID(),
    neighbourhoodId,
    code,
    name,
    type: args.type,
    unit: args.unit,
    projectId,
    taakveld,
    noOverdraft: args.noOverdraft ?? false,
    balanceMinor: '0',
    createdAt: now,
    updatedAt: now,
    versionRecordedBy: recordedBy,
  };
  try {
    return await db.transaction(async (tx) => {
      await tx.getRepository(AccountEntity).insert(account);
      // The database gave it its version and its leaf in the log.
      const created = await tx.getRepository(AccountEntity).findOneByOrFail({ id: account.id });
      await events.record(tx, ledgerEvent.accountCreated(created, audit));
      return succeed(created);
    });
  } catch (error) {
    switch (violationOf(error)?.constraint) {
      case 'account_code_unique': {
        const holder = await db.getRepository(AccountEntity).findOneByOrFail({ neighbourhoodId, code });
        return refuse(fail.accountCodeTaken(holder));
      }
      case 'project_in_one_neighbourhood':
        return refuse(fail.projectInOtherNeighbourhood(projectId ?? ''));
      default:
        throw error;
    }
  }
}
