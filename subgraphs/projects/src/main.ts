import 'reflect-metadata';
import { runSubgraph } from '@dbwe/platform';
import { projects } from './server';

void runSubgraph(projects);
