export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __dbweTeardown?: () => Promise<void> }).__dbweTeardown?.();
}
