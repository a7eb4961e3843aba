import { join } from 'node:path';
import { loadTypeDefs, mergeResolvers, scalarResolvers, type SubgraphModule } from '@dbwe/platform';
import type { Resolvers } from './generated/graphql';
import { createLoaders, type Loaders } from './loaders';
import { AccountEntity } from './accounts/account.entity';
import { BudgetEntity, BudgetRevisionEntity } from './budgets/budget.entity';
import { ChainEntity } from './entries/chain.entity';
import { EntryEntity } from './entries/entry.entity';
import { LineEntity } from './entries/line.entity';
import { accountResolvers } from './accounts/account.resolvers';
import { budgetResolvers } from './budgets/budget.resolvers';
import { neighbourhoodBudgetResolvers as nb } from './neighbourhood-budgets/budget.resolvers';
import { entryResolvers } from './entries/entry.resolvers';
import { memberResolvers } from './members/member.resolvers';
import { neighbourhoodResolvers } from './neighbourhoods/neighbourhood.resolvers';
import { projectResolvers } from './projects/project.resolvers';
import { Initial1764100000000 } from './migrations/1764100000000-initial';
import { Books1764200000000 } from './migrations/1764200000000-books';
import { AccountUpdatedAt1764300000000 } from './migrations/1764300000000-account-updated-at';
import { AccountDayCovering1764400000000 } from './migrations/1764400000000-account-day-covering';
import { MemberHours1764500000000 } from './migrations/1764500000000-member-hours';
import { ProjectDayCovering1764600000000 } from './migrations/1764600000000-project-day-covering';
import { TransparencyLog1765000000000 } from './migrations/1765000000000-transparency-log';
import { LogGuards1765100000000 } from './migrations/1765100000000-log-guards';
import { LeastPrivilege1764900000000 } from './migrations/1764900000000-least-privilege';
import { databasePrivileges } from './database-privileges';
import { EventOutbox1767000000000 } from './migrations/1767000000000-event-outbox';
import { KeyRefusals1767100000000 } from './migrations/1767100000000-key-refusals';
import { FinancialYears1770500000000 } from './migrations/1770500000000-financial-years';
import { AccountChanges1770510000000 } from './migrations/1770510000000-account-changes';
import { periodResolvers } from './periods/period.resolvers';
import { BankStatements1770400000000 } from './migrations/1770400000000-bank-statements';
import { NeighbourhoodBudgets1770600000000 } from './migrations/1770600000000-neighbourhood-budgets';
import { BankCounterpartyErasure1770700000000 } from './migrations/1770700000000-bank-counterparty-erasure';
import { ledgerEvents } from './events';
import { seedDemo } from './demo/demo.seed';
import { logResolvers } from './log/log.resolvers';
import { ledgerServices, type LedgerServices } from './log/services';
import { bankResolvers } from './bank/bank.resolvers';
import { myDataResolvers } from './my-data/my-data.resolvers';
import { GraphQLJSONObject } from 'graphql-scalars';

const resolvers: Resolvers = mergeResolvers<Resolvers>(
  { ...scalarResolvers, JSONObject: GraphQLJSONObject },
  accountResolvers,
  entryResolvers,
  budgetResolvers,
  logResolvers,
  periodResolvers,
  bankResolvers,
  nb,
  neighbourhoodResolvers,
  memberResolvers,
  myDataResolvers,
  projectResolvers,
);

/** The ledger subgraph: the neighbourhoods' double-entry books. */
export const ledger: SubgraphModule<Loaders, LedgerServices> = {
  name: 'ledger',
  defaultPort: 4103,
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers: resolvers as SubgraphModule<Loaders, LedgerServices>['resolvers'],
  entities: [AccountEntity, ChainEntity, EntryEntity, LineEntity, BudgetEntity, BudgetRevisionEntity],
  migrations: [
    Initial1764100000000,
    Books1764200000000,
    AccountUpdatedAt1764300000000,
    AccountDayCovering1764400000000,
    MemberHours1764500000000,
    ProjectDayCovering1764600000000,
    LeastPrivilege1764900000000,
    TransparencyLog1765000000000,
    LogGuards1765100000000,
    EventOutbox1767000000000,
    KeyRefusals1767100000000,
    BankStatements1770400000000,
    FinancialYears1770500000000,
    AccountChanges1770510000000,
    NeighbourhoodBudgets1770600000000,
    BankCounterpartyErasure1770700000000,
  ],
  databasePrivileges,
  events: ledgerEvents,
  createLoaders,
  services: ledgerServices,
  seedDemo,
};
