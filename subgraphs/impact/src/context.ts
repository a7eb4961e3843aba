import type { SubgraphContext } from '@dbwe/platform';
import type { createLoaders } from './loaders';
import type { ImpactServices } from './books/ledger-books';

export type Context = SubgraphContext<ReturnType<typeof createLoaders>, ImpactServices>;
