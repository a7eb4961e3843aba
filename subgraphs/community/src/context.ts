import type { SubgraphContext } from '@dbwe/platform';
import type { createLoaders } from './loaders';
import type { CommunityServices } from './services';

export type Context = SubgraphContext<ReturnType<typeof createLoaders>, CommunityServices>;
