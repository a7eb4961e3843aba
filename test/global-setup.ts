import 'reflect-metadata';
import { setupTestDatabase } from '@dbwe/platform/testing/global-setup';
import { allSubgraphs } from './subgraphs';

export default async function globalSetup(): Promise<void> {
  const teardown = await setupTestDatabase(allSubgraphs);
  (globalThis as { __dbweTeardown?: () => Promise<void> }).__dbweTeardown = teardown;
}
