/** Each jest lane's time limit per test and hook (jest.config.js `globals.laneTimeoutMs`). */
jest.setTimeout((globalThis as { laneTimeoutMs?: number }).laneTimeoutMs ?? 300_000);
