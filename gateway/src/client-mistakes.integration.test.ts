import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * A client's mistake is answered with a 4xx and a message that says what was wrong; nothing of it
 * reaches the logs as an unexpected error with a stack trace, and nothing is written.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const pieter = stableId('member:Penningmeester Pieter');
const account = (code: string) => stableId(`account:${spijkerkwartier}:${code}`);

describe('gateway: client mistakes are 4xx with a clear message', () => {
  let platform: RunningPlatform;
  const logs = new PassThrough();
  let logged = '';
  logs.on('data', (chunk) => (logged += chunk.toString()));

  beforeAll(async () => {
    platform = await startPlatform({ subgraphLogTo: logs, gatewayLogTo: logs });
  });
  afterAll(() => platform.stop());
  beforeEach(() => (logged = ''));

  async function post(body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
  }

  /** No unexpected error, no stack trace in the logs of any service. */
  function logsStayQuiet() {
    const lines = logged.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message?: string; stack?: string } });
    const said = (l: { msg: string; err?: { message?: string; stack?: string } }) => `${l.msg}: ${l.err?.stack?.slice(0, 600) ?? ''}`;
    expect(lines.filter((l) => l.level >= 50 || l.err?.stack).map(said)).toEqual([]);
  }

  it('two operations without operationName: 400 saying which to pick', async () => {
    const { status, body } = await post({ query: 'query A { neighbourhoods { id } } query B { neighbourhoods { slug } }' });
    logsStayQuiet();
    expect(status).toBe(400);
    expect(body.errors![0].message).toMatch(/several operations.*operationName/);
  });

  it('an unknown operationName: 400 naming it', async () => {
    const { status, body } = await post({ query: 'query A { neighbourhoods { id } }', operationName: 'Nope' });
    logsStayQuiet();
    expect(status).toBe(400);
    expect(body.errors![0].message).toMatch(/Nope/);
  });

  it('an APQ hash that does not match the query: 400', async () => {
    const query = '{ neighbourhoods { id } }';
    const wrong = createHash('sha256').update('something else').digest('hex');
    const { status, body } = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: wrong } } });
    logsStayQuiet();
    expect(status).toBe(400);
    expect(body.errors![0].message).toMatch(/hash|sha/i);
  });

  const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
  const deepList = '['.repeat(10_000) + '"x"' + ']'.repeat(10_000);
  it.each([
    ['a String', `{"query":"query ($v: String) { neighbourhood(slug: $v) { id } }","variables":{"v":${deep}}}`],
    ['a list', `{"query":"query ($v: String) { neighbourhood(slug: $v) { id } }","variables":{"v":${deepList}}}`],
    ['an unused variable', `{"query":"query ($v: String) { neighbourhoods { id } }","variables":{"v":${deep}}}`],
  ])('variables nested 10,000 deep (%s): 400, no stack overflow', async (_what, request) => {
    const { status, body } = await post(request);
    logsStayQuiet();
    expect(status).toBe(400);
    expect(body.errors![0].message).toMatch(/nested|deep/i);
  });

  it('variables nested 500 deep in a GET (as deep as a URL can carry): 400', async () => {
    const deep = '{"a":'.repeat(500) + '1' + '}'.repeat(500);
    const search = `?query=${encodeURIComponent('query ($v: String) { neighbourhood(slug: $v) { id } }')}&variables=${encodeURIComponent(`{"v":${deep}}`)}`;
    const response = await fetch(platform.gatewayUrl + search, { headers: { 'apollo-require-preflight': 'true' } });
    const body = (await response.json()) as { errors: { message: string }[] };
    logsStayQuiet();
    expect(response.status).toBe(400);
    expect(body.errors[0].message).toMatch(/nested/);
  });

  it('150 repeated directives: a short error list, capped with a final "too many errors"', async () => {
    const { status, text, body } = await post({ query: `{ neighbourhoods ${'@skip(if: false) '.repeat(150)}{ id } }` });
    expect(status).toBe(400);
    expect(body.errors!.length).toBeLessThanOrEqual(21);
    expect(text.length).toBeLessThan(8_000);
    expect(body.errors!.at(-1)!.message).toMatch(/^Too many errors: \d+ more not listed/);
    logsStayQuiet();
  });

  it('a booking that would take a balance past what the books hold: InvalidLedgerInput naming the lines, and nothing is booked', async () => {
    const token = await platform.token(pieter, [{ role: 'steward', neighbourhood: spijkerkwartier }]);
    const head = async () => (await platform.query<any>(`query ($id: ID!) { neighbourhood(id: $id) { chainHead { sequence } } }`, { id: spijkerkwartier })).body.data.neighbourhood.chainHead?.sequence ?? 0;
    const postHuge = (i: number) =>
      platform.query<any>(
        `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on LedgerError { code message field } } }`,
        {
          input: {
            neighbourhoodId: spijkerkwartier,
            idempotencyKey: `huge-${i}`,
            bookingDate: '2026-11-20',
            description: 'Een heel groot bedrag',
            lines: [
              { accountId: account('4900'), side: 'DEBIT', amount: '9999999999999999.99', unit: 'EUR' },
              { accountId: account('8000'), side: 'CREDIT', amount: '9999999999999999.99', unit: 'EUR' },
            ],
          },
        },
        { token },
      );
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const before = await head();
      const { status, body } = await postHuge(i);
      const outcome = body.data?.postEntry?.__typename ?? body.errors?.[0]?.extensions?.code;
      outcomes.push(outcome);
      if (outcome !== 'PostEntrySuccess') {
        logsStayQuiet();
        expect(status).toBeLessThan(500);
        expect(outcome).toBe('InvalidLedgerInput');
        expect(body.data.postEntry).toMatchObject({ field: 'lines', message: expect.stringMatching(/beyond what the books can hold/) });
        expect(await head()).toBe(before);
        break;
      }
    }
    // 2^63 minor units are 92 233 720 368 547 758.07: the tenth such booking cannot be held.
    expect(outcomes.slice(0, -1).every((o) => o === 'PostEntrySuccess')).toBe(true);
    expect(outcomes.at(-1)).not.toBe('PostEntrySuccess');
    logsStayQuiet();
  });
});
