import 'reflect-metadata';
import { runSubgraph } from '@dbwe/platform';
import { impact } from './server';

void runSubgraph(impact);
