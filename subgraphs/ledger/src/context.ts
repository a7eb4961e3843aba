import type { SubgraphContext } from '@dbwe/platform';
import type { Loaders } from './loaders';
import type { LedgerServices } from './log/services';

export type Context = SubgraphContext<Loaders, LedgerServices>;
