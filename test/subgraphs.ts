import type { SubgraphModule } from '@dbwe/platform';
import { community } from '@dbwe/community';
import { projects } from '@dbwe/projects';
import { ledger } from '@dbwe/ledger';
import { impact } from '@dbwe/impact';

export const allSubgraphs = [community, projects, ledger, impact] as SubgraphModule<unknown, unknown>[];
