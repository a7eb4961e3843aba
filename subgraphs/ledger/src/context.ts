import type { SubgraphContext } from '@dbwe/platform';
import type { Loaders } from './loaders';

export type Context = SubgraphContext<Loaders>;
