import { join } from 'node:path';
import { loadTypeDefs, scalarResolvers, type SubgraphModule } from '@dbwe/platform';
import type { Resolvers } from './generated/graphql';
import { createLoaders } from './loaders';
import { AccountEntity } from './accounts/account.entity';
import { ChainEntity } from './entries/chain.entity';
import { EntryEntity } from './entries/entry.entity';
import { LineEntity } from './entries/line.entity';
import { accountResolvers } from './accounts/account.resolvers';
import { entryResolvers } from './entries/entry.resolvers';
import { projectResolvers } from './projects/project.resolvers';
import { Initial1764100000000 } from './migrations/1764100000000-initial';
import { seedDemo } from './demo/demo.seed';

const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: { ...entryResolvers.Query },
  Account: accountResolvers.Account,
  Neighbourhood: accountResolvers.Neighbourhood,
  LedgerEntry: entryResolvers.LedgerEntry,
  LedgerLine: entryResolvers.LedgerLine,
  Money: entryResolvers.Money,
  Project: projectResolvers.Project,
  ProjectFinances: projectResolvers.ProjectFinances,
};

/** The ledger subgraph: the neighbourhoods' double-entry books. */
export const ledger: SubgraphModule<ReturnType<typeof createLoaders>> = {
  name: 'ledger',
  defaultPort: 4103,
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers: resolvers as SubgraphModule<ReturnType<typeof createLoaders>>['resolvers'],
  entities: [AccountEntity, ChainEntity, EntryEntity, LineEntity],
  migrations: [Initial1764100000000],
  createLoaders,
  seedDemo,
};
