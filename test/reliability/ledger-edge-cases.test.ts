import { randomUUID } from 'node:crypto';
import { ledger } from '@dbwe/ledger';
import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { inProcess, openBooks, postEntry, readBooks, type Caller } from './ledger-api';
import { startCommunityGraph, type CommunityGraph } from '../platform';

/*
 * Cases the model-based test found, pinned down as plain examples.
 */
describe('ledger: an account on two lines of one entry', () => {
  let database: { url: string; drop: () => Promise<void> };
  let subgraph: TestSubgraph<unknown, unknown>;
  let graph: CommunityGraph;
  let call: Caller;

  beforeAll(async () => {
    database = await cloneTestDatabase();
    graph = await startCommunityGraph(database.url);
    subgraph = await startTestSubgraph(ledger as never, database.url, { env: { GRAPH_URL: graph.gatewayUrl } });
    call = inProcess(subgraph);
  });
  afterAll(async () => {
    await subgraph?.stop();
    await graph?.stop();
    await database?.drop();
  });

  it('judges the no-overdraft rule on the balance after the whole entry, not line by line', async () => {
    // Empty books. One entry: the bank (1000, no overdraft) is credited 10.00 for cash (1100, no
    // overdraft) and debited 25.00 from the municipal budget (8000). After the entry the bank holds
    // 15.00 and the cash 10.00: nothing is below zero, so the entry must be booked, whatever the
    // order of its lines. (Found by the model-based test: the ledger used to refuse it with an
    // Overdraft saying the balance "may not go below zero" and "would become 15.00".)
    const n = randomUUID();
    await openBooks(call, n, graph);
    const id = Object.fromEntries((await readBooks(call, n)).accounts.map((a) => [a.code, a.id]));
    const result = await postEntry(call, {
      neighbourhoodId: n,
      idempotencyKey: 'one-entry',
      bookingDate: '2026-03-02',
      description: 'Wijkbudget ontvangen, deel opgenomen in kas',
      lines: [
        { accountId: id['1000'], side: 'CREDIT', amount: '10.00', unit: 'EUR' },
        { accountId: id['1100'], side: 'DEBIT', amount: '10.00', unit: 'EUR' },
        { accountId: id['1000'], side: 'DEBIT', amount: '25.00', unit: 'EUR' },
        { accountId: id['8000'], side: 'CREDIT', amount: '25.00', unit: 'EUR' },
      ],
    });
    expect(result.__typename).toBe('PostEntrySuccess');
    const balances = Object.fromEntries((await readBooks(call, n)).accounts.map((a) => [a.code, a.balance.minorUnits]));
    expect(balances).toMatchObject({ '1000': '1500', '1100': '1000', '8000': '-2500' });
  });
});
