import { startTracing } from '@dbwe/platform/src/telemetry';

startTracing('community');
