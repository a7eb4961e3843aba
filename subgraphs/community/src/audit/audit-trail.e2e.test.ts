import { stableId } from '@dbwe/platform';
import { camt053, dutchIban } from '@dbwe/ledger/src/bank/testing/statement-files';
import { defaultAccountId } from '@dbwe/ledger/src/accounts/default-chart';
import { todayInTheNetherlands } from '@dbwe/ledger/src/entries/booking';
import { demoBidId } from '@dbwe/projects/src/demo/demo.seed';
import { ASSESSMENT_CRITERIA } from '@dbwe/projects/src/bids/bid-lifecycle';
import { waitFor } from '../../../../test/reliability/processes';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';

/*
 * The audit trail (issue 20), through the real gateway, in the Spijkerkwartier demo. Expected:
 * - the neighbourhood's admin appoints a steward; the treasurer (steward) opens and closes a poll,
 *   renames account 4200 and ignores a bank statement line; the official (Beleidsadviseur Joris)
 *   scores the community centre bid's five open criteria and rejects it. Each action's event
 *   reaches community, which keeps an audit record of it;
 * - the admin reads all of them, newest first, with actor, role and reason: ADMIN and the grant's
 *   reason; STEWARD "Opened the poll" / "Closed the poll" / the board's decision / the ignore
 *   reason; OFFICIAL and the decision's rationale;
 * - the ignored line is not public (its reason is the steward's note on a private line): anonymous
 *   callers and a resident see every other record and not that one, totalCount counts what they
 *   see, and the BI feed does not carry its event;
 * - pages follow the keyset cursor without gaps or repeats.
 */
jest.setTimeout(300_000);

const nb = stableId('neighbourhood:spijkerkwartier');
const pieter = stableId('member:Penningmeester Pieter');
const joris = stableId('member:Beleidsadviseur Joris');
const bidId = demoBidId('community-centre');

let platform: RunningPlatform;
const tokens: Record<'steward' | 'official' | 'admin' | 'resident', string> = { steward: '', official: '', admin: '', resident: '' };

beforeAll(async () => {
  platform = await startPlatform();
  tokens.steward = await platform.token(pieter, [{ role: 'steward', neighbourhood: nb }]);
  tokens.official = await platform.token(joris, [{ role: 'official', neighbourhood: nb }]);
  tokens.admin = await platform.token(stableId('member:Beheerder audit test'), [{ role: 'admin', neighbourhood: nb }]);
  tokens.resident = await platform.token(stableId('member:Spelende Sem'), [{ role: 'resident', neighbourhood: nb }]);
}, 120_000);
afterAll(() => platform?.stop());

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const { body } = await platform.query<any>(query, variables, token ? { token } : {});
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const TRAIL = `query ($first: Int, $after: String) { neighbourhood(slug: "spijkerkwartier") { auditTrail(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id action subject actorId actor { id displayName } role reason public occurredAt } } } } }`;

async function trail(token?: string, first = 100, after: string | null = null) {
  return (await gql(TRAIL, { first, after }, token)).neighbourhood.auditTrail;
}

describe('the audit trail, through the gateway', () => {
  let pollId: string;
  const bankIban = dutchIban('INGB', '0007654321');

  it('records the stewards’ and the official’s actions as their events arrive', async () => {
    const before = (await trail(tokens.admin)).totalCount as number;

    const granted = await gql(
      `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { __typename } }`,
      { input: { memberId: stableId('member:Spelende Sem'), role: 'STEWARD', neighbourhoodId: nb, reason: 'Benoemd door de ledenvergadering van 1 december' } },
      tokens.admin,
    );
    expect(granted.grantRole.__typename).toBe('GrantRoleSuccess');

    const themes = (await gql(`{ neighbourhood(slug: "spijkerkwartier") { themes { id } } }`)).neighbourhood.themes.map((t: { id: string }) => t.id);
    const opened = await gql(
      `mutation ($input: OpenPollInput!) { openPoll(input: $input) { __typename ... on OpenPollSuccess { poll { id } } } }`,
      { input: { neighbourhoodId: nb, title: 'Wat eerst in 2027?', themeIds: themes.slice(0, 3), pointsBudget: 10 } },
      tokens.steward,
    );
    expect(opened.openPoll.__typename).toBe('OpenPollSuccess');
    pollId = opened.openPoll.poll.id;
    const closed = await gql(`mutation ($id: ID!) { closePoll(pollId: $id) { __typename } }`, { id: pollId }, tokens.steward);
    expect(closed.closePoll.__typename).toBe('ClosePollSuccess');

    const changed = await gql(
      `mutation ($input: ChangeAccountInput!) { changeAccount(input: $input) { __typename ... on LedgerError { code message } } }`,
      { input: { accountId: defaultAccountId(nb, '4200'), effectiveFrom: todayInTheNetherlands(), name: 'Buurtactiviteiten', reason: 'Besluit van het bestuur, 1 december' } },
      tokens.steward,
    );
    expect(changed.changeAccount.__typename).toBe('ChangeAccountSuccess');

    const linked = await gql(
      `mutation ($input: LinkBankAccountInput!) { linkBankAccount(input: $input) { __typename ... on LedgerError { message } } }`,
      { input: { accountId: defaultAccountId(nb, '1000'), iban: bankIban } },
      tokens.steward,
    );
    expect(linked.linkBankAccount.__typename).toBe('LinkBankAccountSuccess');
    const balance = (await gql(`{ ledgerAccount(id: "${defaultAccountId(nb, '1000')}") { balance { minorUnits } } }`)).ledgerAccount.balance.minorUnits;
    const file = camt053({
      iban: bankIban,
      statementId: 'STMT-AUDIT-1',
      sequence: '1',
      openingMinor: BigInt(balance),
      date: '2026-12-01',
      transactions: [
        { bankRef: 'R-AUDIT-1', endToEndId: 'E2E-AUDIT-1', date: '2026-12-01', minor: 2500n, counterpartyIban: dutchIban('RABO', '3000001'), counterpartyBic: 'RABONL2U', counterpartyName: 'J. de Vries', description: 'Terugbetaling' },
      ],
    });
    const imported = await gql(
      `mutation ($input: ImportBankStatementInput!) { importBankStatement(input: $input) { __typename ... on LedgerError { message }
        ... on ImportBankStatementSuccess { statement { lines(first: 1) { edges { node { id } } } } } } }`,
      { input: { neighbourhoodId: nb, format: 'CAMT053', content: file, idempotencyKey: 'audit-stmt-1' } },
      tokens.steward,
    );
    expect(imported.importBankStatement.__typename).toBe('ImportBankStatementSuccess');
    const lineId = imported.importBankStatement.statement.lines.edges[0].node.id;
    const ignored = await gql(
      `mutation ($input: IgnoreBankStatementLineInput!) { ignoreBankStatementLine(input: $input) { __typename } }`,
      { input: { lineId, reason: 'Privé-voorschot van J. de Vries, terugbetaald' } },
      tokens.steward,
    );
    expect(ignored.ignoreBankStatementLine.__typename).toBe('IgnoreBankStatementLineSuccess');

    const STEP = `__typename ... on IllegalBidTransition { code message } ... on InvalidInput { code message }`;
    for (const criterion of ASSESSMENT_CRITERIA.slice(2)) {
      const assessed = await gql(
        `mutation ($input: AssessCriterionInput!) { assessBidCriterion(input: $input) { ${STEP} } }`,
        { input: { bidId, criterion, score: 2, reason: 'Onvoldoende onderbouwd.' } },
        tokens.official,
      );
      expect(assessed.assessBidCriterion.__typename).toBe('BidPayload');
    }
    const decided = await gql(
      `mutation ($input: DecideBidInput!) { decideRightToChallengeBid(input: $input) { ${STEP} } }`,
      { input: { bidId, outcome: 'REJECTED', rationale: 'De begroting dekt de exploitatie van het buurthuis niet.' } },
      tokens.official,
    );
    expect(decided.decideRightToChallengeBid.__typename).toBe('BidPayload');

    // The grant, 2 poll events, 1 account change, the bank link and import, the ignored line, 5 scores and the decision.
    const expected = before + 13;
    await waitFor('the audit records of every action', async () => (await trail(tokens.admin)).totalCount >= expected, 60_000, 250);
    await platform.eventsSettled();

    const all = await trail(tokens.admin);
    expect(all.totalCount).toBe(expected);
    const nodes = all.edges.map((e: any) => e.node);
    const times = nodes.map((n: any) => n.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);

    const decision = nodes.find((n: any) => n.action === 'nl.dbwe.projects.bid.decided');
    expect(decision).toMatchObject({
      subject: `bids/${bidId}`,
      actorId: joris,
      actor: { id: joris, displayName: 'Beleidsadviseur Joris' },
      role: 'OFFICIAL',
      reason: 'De begroting dekt de exploitatie van het buurthuis niet.',
      public: true,
    });
    expect(nodes.filter((n: any) => n.action === 'nl.dbwe.projects.bid.criterion-assessed')).toHaveLength(5);
    expect(nodes.find((n: any) => n.action === 'nl.dbwe.community.role.granted')).toMatchObject({
      role: 'ADMIN',
      reason: 'Benoemd door de ledenvergadering van 1 december',
      public: true,
    });
    expect(nodes.find((n: any) => n.action === 'nl.dbwe.community.poll.opened')).toMatchObject({
      subject: `polls/${pollId}`,
      actor: { id: pieter, displayName: 'Penningmeester Pieter' },
      role: 'STEWARD',
      reason: 'Opened the poll',
      public: true,
    });
    expect(nodes.find((n: any) => n.action === 'nl.dbwe.community.poll.closed')).toMatchObject({ role: 'STEWARD', reason: 'Closed the poll', public: true });
    expect(nodes.find((n: any) => n.action === 'nl.dbwe.ledger.account.changed')).toMatchObject({
      subject: `accounts/${defaultAccountId(nb, '4200')}`,
      actorId: pieter,
      role: 'STEWARD',
      reason: 'Besluit van het bestuur, 1 december',
      public: true,
    });
    expect(nodes.find((n: any) => n.action === 'nl.dbwe.ledger.bank-line.ignored')).toMatchObject({
      subject: `bank-statement-lines/${lineId}`,
      actorId: pieter,
      role: 'STEWARD',
      reason: 'Privé-voorschot van J. de Vries, terugbetaald',
      public: false,
    });
  });

  it('shows everyone else the public records only, and keeps the private action out of the BI feed', async () => {
    const all = await trail(tokens.admin);
    const privateIds = all.edges.filter((e: any) => !e.node.public).map((e: any) => e.node.id);
    expect(privateIds).toHaveLength(1);

    for (const token of [undefined, tokens.resident, tokens.steward]) {
      const seen = await trail(token);
      expect(seen.totalCount).toBe(all.totalCount - 1);
      expect(seen.edges.map((e: any) => e.node.id)).toEqual(all.edges.map((e: any) => e.node.id).filter((id: string) => !privateIds.includes(id)));
      expect(seen.edges.every((e: any) => e.node.public)).toBe(true);
    }

    const feed = await fetch(new URL('/export/v1/neighbourhoods/spijkerkwartier/events.jsonl?limit=1000', platform.gatewayUrl));
    const events = (await feed.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(events.map((e) => e.id)).not.toContain(privateIds[0]);
    expect(events.some((e) => e.type === 'nl.dbwe.community.poll.opened' && e.data.audit?.reason === 'Opened the poll')).toBe(true);
  });

  it('pages newest first with the keyset cursor, without gaps or repeats', async () => {
    const all = await trail(tokens.admin);
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await trail(tokens.admin, 5, after);
      expect(page.totalCount).toBe(all.totalCount);
      paged.push(...page.edges.map((e: any) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(paged).toEqual(all.edges.map((e: any) => e.node.id));

    const { body } = await platform.query<any>(TRAIL, { first: 101 });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
