import type { EntityManager } from 'typeorm';
import { stableId } from '@dbwe/platform';
import type { Unit } from '../money/money';
import { AccountEntity, type AccountType } from './account.entity';
import { openChain } from '../entries/posting';

export type ChartLine = [code: string, name: string, type: AccountType, unit: Unit, noOverdraft: boolean, taakveld: string | null];

/**
 * The template chart of accounts for a Dutch wijkeconomie (docs/chart-template.md says why each account
 * is there and why it maps to its Iv3 taakveld, or to none). Codes follow the usual Dutch association
 * layout (0xxx equity, 1xxx balance, 4xxx costs, 8xxx income); hour accounts use the 9xxx range, but for
 * the hours' equity (0900, which a year with volunteer hours closes to), so euros and hours never share
 * a code. Income and expense accounts map to the Iv3 taakveld of the municipal task they fund or spend
 * on, so municipal BI can join the books to its own Iv3 figures; balance-sheet accounts, own income and
 * hours map to none. An account's id is `stableId` of its code: a code, once in a template, keeps its id.
 */
const DUTCH_WIJKECONOMIE_2026: readonly ChartLine[] = [
  ['1000', 'Bankrekening', 'ASSET', 'EUR', true, null],
  ['1100', 'Kas', 'ASSET', 'EUR', true, null],
  ['1300', 'Te ontvangen subsidies', 'ASSET', 'EUR', false, null],
  ['1600', 'Nog te betalen', 'LIABILITY', 'EUR', false, null],
  ['0500', 'Wijkvermogen', 'EQUITY', 'EUR', false, null],
  ['4000', 'Projectkosten', 'EXPENSE', 'EUR', false, null],
  ['4100', 'Groenonderhoud', 'EXPENSE', 'EUR', false, '5.7'],
  ['4200', 'Activiteiten en ontmoeting', 'EXPENSE', 'EUR', false, '6.1'],
  ['4400', 'Cultuur in de wijk', 'EXPENSE', 'EUR', false, '5.3'],
  ['4500', 'Sport en bewegen', 'EXPENSE', 'EUR', false, '5.1'],
  ['4600', 'Duurzaamheid en energie', 'EXPENSE', 'EUR', false, '7.4'],
  ['4800', 'Schone straat en zwerfafval', 'EXPENSE', 'EUR', false, '7.3'],
  ['4900', 'Algemene kosten', 'EXPENSE', 'EUR', false, null],
  ['8000', 'Wijkbudget gemeente', 'INCOME', 'EUR', false, '6.1'],
  ['8100', 'Budget Right to Challenge', 'INCOME', 'EUR', false, '5.7'],
  ['8200', 'Bijdragen bewoners en ondernemers', 'INCOME', 'EUR', false, null],
  ['0900', 'Urenvermogen', 'EQUITY', 'HOUR', false, null],
  ['9000', 'Beschikbare vrijwilligersuren', 'ASSET', 'HOUR', false, null],
  ['9100', 'Ingezette vrijwilligersuren', 'EXPENSE', 'HOUR', false, null],
  ['9800', 'Toegezegde vrijwilligersuren', 'INCOME', 'HOUR', false, null],
];

/** The chart templates books can be opened with, by name. Add a template here (and a value to the schema's `ChartTemplate`). */
export const CHART_TEMPLATES = {
  'dutch-wijkeconomie-2026': DUTCH_WIJKECONOMIE_2026,
} as const satisfies Record<string, readonly ChartLine[]>;

export type ChartTemplateName = keyof typeof CHART_TEMPLATES;

/** The template books open with when none is named. */
export const DEFAULT_TEMPLATE: ChartTemplateName = 'dutch-wijkeconomie-2026';

/** The default template's lines (the demo's and the benchmarks' chart). */
export const DEFAULT_CHART: readonly ChartLine[] = CHART_TEMPLATES[DEFAULT_TEMPLATE];

export const defaultAccountId = (neighbourhoodId: string, code: string) => stableId(`account:${neighbourhoodId}:${code}`);

/**
 * Opens a neighbourhood's books: its chain and a template chart of accounts
 * (the default one unless named). Idempotent; returns false when the books
 * were open already. Either way the template's accounts the books lack (by
 * code) are added and none is changed, so books opened before an account
 * joined the template get it by opening them again (docs/periods.md, 0900).
 */
export interface Opening {
  /** The log's origin; null leaves it to be given when the ledger's services start (demo data is loaded before them). */
  origin: string | null;
  openedBy: string | null;
  at?: Date;
  template?: ChartTemplateName;
}

export async function openBooks(tx: EntityManager, neighbourhoodId: string, { origin, openedBy, at = new Date(), template = DEFAULT_TEMPLATE }: Opening): Promise<boolean> {
  const openedNow = await openChain(tx, neighbourhoodId, origin);
  await tx
    .createQueryBuilder()
    .insert()
    .into(AccountEntity)
    .values(
      CHART_TEMPLATES[template].map(([code, name, type, unit, noOverdraft, taakveld]) => ({
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
