import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { stableId } from '@dbwe/platform';
import { testGatewayIdentityEnv } from '@dbwe/platform/testing';
import { startPlatform, TEST_JWT_SECRET, type RunningPlatform } from '../../test/platform';

/*
 * SIGTERM to the gateway lets the requests it is serving finish, refuses
 * new connections, and exits 0.
 */
const root = join(__dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('gateway graceful shutdown', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  it('finishes an in-flight request after SIGTERM, then exits 0', async () => {
    const port = await freePort();
    const gateway = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        // As deployed: outside NODE_ENV=test Apollo would install signal handlers of its own.
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        ...testGatewayIdentityEnv(),
        JWT_SECRET: TEST_JWT_SECRET,
        COMMUNITY_URL: platform.subgraphs.community.url,
        PROJECTS_URL: platform.subgraphs.projects.url,
        LEDGER_URL: platform.subgraphs.ledger.url,
        IMPACT_URL: platform.subgraphs.impact.url,
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)));
    // Start-up takes a while on a busy machine: wait for it, up to a minute.
    let healthy = false;
    for (let i = 0; i < 600 && !healthy; i++) {
      healthy = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      if (!healthy) await new Promise((r) => setTimeout(r, 100));
    }
    expect(healthy).toBe(true);

    // Hold the impact subgraph's tables so the request is still in flight when SIGTERM arrives.
    const locker = new Client({ connectionString: platform.subgraphs.impact.adminUrl });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE impact.analysis IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ project(id: "${stableId('project:park-greenery')}") { title sroi { ratio } } }` }),
    });
    await new Promise((r) => setTimeout(r, 500));
    gateway.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await locker.query('ROLLBACK');
    await locker.end();

    const response = await inFlight;
    const answeredAt = Date.now();
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.project.title).toBe('Groenonderhoud Lindenplein');
    expect(body.data.project.sroi.ratio).toMatch(/^\d+\.\d\d$/);
    expect(await exited).toBe(0);
    expect(Date.now() - answeredAt).toBeLessThan(5_000);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  }, 120_000);
});
