import 'reflect-metadata';
import { runSubgraph } from '@dbwe/platform';
import { community } from './server';

void runSubgraph(community);
