import type { SubgraphContext } from '@dbwe/platform';
import type { createLoaders } from './loaders';

export type Context = SubgraphContext<ReturnType<typeof createLoaders>>;
