import type { SubgraphContext } from '@dbwe/platform';
import type { createLoaders } from './loaders';
import type { ProjectsServices } from './integrity/references.service';

export type Context = SubgraphContext<ReturnType<typeof createLoaders>, ProjectsServices>;
