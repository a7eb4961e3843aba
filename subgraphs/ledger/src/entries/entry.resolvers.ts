import type { Resolvers } from '../generated/graphql';
import { formatMinor } from '../money/money';

export const entryResolvers: Resolvers = {
  Query: {
    ledgerEntry: (_parent, { id }, { loaders }) => (/^[0-9a-f-]{36}$/i.test(id) ? loaders.entry.load(id) : null),
  },
  LedgerEntry: {
    __resolveReference: (ref, { loaders }) => loaders.entry.load(ref.id),
    neighbourhood: (e) => ({ id: e.neighbourhoodId }),
    lines: (e, _args, { loaders }) => loaders.linesByEntry.load(e.id),
  },
  LedgerLine: {
    async account(l, _args, { loaders }) {
      const account = await loaders.account.load(l.accountId);
      if (!account) throw new Error(`line ${l.entryId}/${l.position} refers to missing account ${l.accountId}`);
      return account;
    },
    amount: (l) => ({ minor: BigInt(l.amountMinor), unit: l.unit }),
  },
  Money: {
    amount: (m) => formatMinor(m.minor, m.unit),
    minorUnits: (m) => m.minor,
    unit: (m) => m.unit,
  },
};
