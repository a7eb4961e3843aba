import type { EntityManager } from 'typeorm';
import { stableId } from '@dbwe/platform';
import type { Unit } from '../money/money';
import { AccountEntity, type AccountType } from './account.entity';
import { openChain } from '../entries/posting';

type ChartLine = [code: string, name: string, type: AccountType, unit: Unit, noOverdraft: boolean, taakveld: string | null];

/**
 * The accounts every neighbourhood's books start with. Codes follow the usual
 * Dutch association layout (0xxx equity, 1xxx balance, 4xxx costs, 8xxx
 * income); hour accounts use the 9xxx range, but for the hours' equity
 * (0900, which a year with volunteer hours closes to), so euros and hours
 * never share a code.
 */
export const DEFAULT_CHART: ChartLine[] = [
  ['1000', 'Bankrekening', 'ASSET', 'EUR', true, null],
  ['1100', 'Kas', 'ASSET', 'EUR', true, null],
  ['1300', 'Te ontvangen subsidies', 'ASSET', 'EUR', false, null],
  ['1600', 'Nog te betalen', 'LIABILITY', 'EUR', false, null],
  ['0500', 'Wijkvermogen', 'EQUITY', 'EUR', false, null],
  ['4000', 'Projectkosten', 'EXPENSE', 'EUR', false, null],
  ['4100', 'Groenonderhoud', 'EXPENSE', 'EUR', false, '5.7'],
  ['4200', 'Activiteiten en ontmoeting', 'EXPENSE', 'EUR', false, '6.1'],
  ['4900', 'Algemene kosten', 'EXPENSE', 'EUR', false, null],
  ['8000', 'Wijkbudget gemeente', 'INCOME', 'EUR', false, '6.1'],
  ['8100', 'Budget Right to Challenge', 'INCOME', 'EUR', false, '5.7'],
  ['8200', 'Bijdragen bewoners en ondernemers', 'INCOME', 'EUR', false, null],
  ['0900', 'Urenvermogen', 'EQUITY', 'HOUR', false, null],
  ['9000', 'Beschikbare vrijwilligersuren', 'ASSET', 'HOUR', false, null],
  ['9100', 'Ingezette vrijwilligersuren', 'EXPENSE', 'HOUR', false, null],
  ['9800', 'Toegezegde vrijwilligersuren', 'INCOME', 'HOUR', false, null],
];

export const defaultAccountId = (neighbourhoodId: string, code: string) => stableId(`account:${neighbourhoodId}:${code}`);

/**
 * Opens a neighbourhood's books: its chain and the default chart of accounts.
 * Idempotent; returns false when the books were open already.
 */
export interface Opening {
  /** The log's origin; null leaves it to be given when the ledger's services start (demo data is loaded before them). */
  origin: string | null;
  openedBy: string | null;
  at?: Date;
}

export async function openBooks(tx: EntityManager, neighbourhoodId: string, { origin, openedBy, at = new Date() }: Opening): Promise<boolean> {
  const openedNow = await openChain(tx, neighbourhoodId, origin);
  await tx
    .createQueryBuilder()
    .insert()
    .into(AccountEntity)
    .values(
      DEFAULT_CHART.map(([code, name, type, unit, noOverdraft, taakveld]) => ({
        id: defaultAccountId(neighbourhoodId, code),
        neighbourhoodId,
        code,
        name,
        type,
        unit,
        noOverdraft,
        taakveld,
        projectId: null,
        balanceMinor: '0',
        createdAt: at,
        updatedAt: at,
        versionRecordedBy: openedBy,
      })),
    )
    .orIgnore()
    .execute();
  return openedNow;
}
