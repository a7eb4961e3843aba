// First of all: tracing (when OTEL_* asks for it) must patch node:http and pg before anything loads them.
import './tracing';
import 'reflect-metadata';
import { runSubgraph } from '@dbwe/platform';
import { projects } from './server';

void runSubgraph(projects);
