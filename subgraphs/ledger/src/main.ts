import 'reflect-metadata';
import { runSubgraph } from '@dbwe/platform';
import { ledger } from './server';

void runSubgraph(ledger);
