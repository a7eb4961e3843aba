import type { ClientBase } from 'pg';
import { copyRows, type Cell } from './copy';
import { CARRY_OVER_DIRECTORY_ROLES } from '../../subgraphs/community/src/migrations/1770200000000-role-grants';
import { Random } from './random';
import {
  CITY_EPOCH,
  DAY_MS,
  OFFICIAL,
  STEWARD,
  THEMES,
  memberDomain,
  memberId,
  pollId as pollIdOf,
  themeId,
  wishId,
  type CityPlan,
  type NeighbourhoodPlan,
} from './plan';

/** Neighbourhoods, members, themes, wishes with their support, and one priority poll per neighbourhood. */
export async function loadCommunity(client: ClientBase, plan: CityPlan): Promise<Record<string, number>> {
  const nbs = plan.neighbourhoods;
  const counts: Record<string, number> = {};
  const epoch = new Date(CITY_EPOCH);

  await client.query(`INSERT INTO community.municipality (code, name, created_at) VALUES ('GM0202', 'Arnhem', $1) ON CONFLICT DO NOTHING`, [epoch]);
  counts.neighbourhoods = await copyRows(
    client,
    'community.neighbourhood',
    ['id', 'slug', 'name', 'description', 'municipality_name', 'municipality_code', 'cbs_wijk_code', 'cbs_buurt_codes', 'created_at', 'updated_at'],
    nbs.map((nb) => [
      nb.id,
      nb.slug,
      nb.name,
      `Benchmarkwijk ${nb.index + 1} van de stad.`,
      'Arnhem',
      'GM0202',
      `WK0202${String(nb.index).padStart(2, '0')}`,
      [`BU0202${String(nb.index).padStart(2, '0')}00`, `BU0202${String(nb.index).padStart(2, '0')}01`],
      epoch,
      epoch,
    ]),
  );

  counts.members = await copyRows(
    client,
    'community.member',
    ['id', 'neighbourhood_id', 'display_name', 'kind', 'domain', 'joined_at', 'domain_confirmed_at', 'full_name', 'email', 'roles', 'updated_at'],
    (function* () {
      for (const nb of nbs) {
        for (let j = 0; j < nb.members; j++) {
          const joined = new Date(CITY_EPOCH + Math.floor((j / nb.members) * 1500 * DAY_MS) + j * 1000);
          const domain = memberDomain(j);
          const roles = j === STEWARD ? ['RESIDENT', 'STEWARD'] : j === OFFICIAL ? ['RESIDENT', 'OFFICIAL'] : ['RESIDENT'];
          const row: Cell[] = [
            memberId(nb, j),
            nb.id,
            j === STEWARD ? `Penningmeester ${nb.slug}` : `Bewoner ${nb.index + 1}-${j}`,
            domain === 'CITIZEN' ? 'PERSON' : j % 2 === 0 ? 'ORGANISATION' : 'PERSON',
            domain,
            joined,
            // The city's members count as confirmed in their domain, as existing members do (migration 1770400000000).
            joined,
            `Persoon ${nb.index + 1}.${j}`,
            `bewoner.${nb.index + 1}.${j}@example.nl`,
            roles,
            joined,
          ];
          yield row;
        }
      }
    })(),
  );
  // The stewards' and officials' offices as platform grants, as the roles migration carries them over.
  counts.roleGrants = (await client.query(CARRY_OVER_DIRECTORY_ROLES)).rowCount ?? 0;

  counts.themes = await copyRows(
    client,
    'community.theme',
    ['id', 'neighbourhood_id', 'slug', 'name', 'description', 'created_at', 'updated_at'],
    nbs.flatMap((nb) => THEMES.map(([slug, name], t) => [themeId(nb, t), nb.id, slug, name, `${name} in ${nb.name}.`, epoch, epoch])),
  );

  const wishes: Cell[][] = [];
  const wishThemes: Cell[][] = [];
  const supports: Cell[][] = [];
  for (const nb of nbs) {
    const random = new Random(`community:wishes:${nb.slug}`);
    for (let w = 0; w < nb.wishes; w++) {
      const created = new Date(CITY_EPOCH + random.int(0, 1800) * DAY_MS + w * 60_000);
      const id = wishId(nb, w);
      wishes.push([
        id,
        nb.id,
        memberId(nb, random.int(2, nb.members - 1)),
        `Wens ${w + 1} van ${nb.name}`,
        `Bewoners van ${nb.name} willen samen iets verbeteren (wens ${w + 1}).`,
        w % 10 === 9 ? new Date(created.getTime() + 90 * DAY_MS) : null,
        created,
        created,
      ]);
      for (const t of random.distinct(random.int(1, 2), THEMES.length)) wishThemes.push([nb.id, id, themeId(nb, t)]);
      // A few wishes draw wide support; most a handful.
      const supporters = random.distinct(w < 3 ? random.int(50, 150) : random.int(0, 20), nb.members);
      for (const j of supporters) supports.push([id, memberId(nb, j), new Date(created.getTime() + random.int(1, 60) * DAY_MS)]);
    }
  }
  counts.wishes = await copyRows(client, 'community.wish', ['id', 'neighbourhood_id', 'author_id', 'title', 'description', 'archived_at', 'created_at', 'updated_at'], wishes);
  counts.wishThemes = await copyRows(client, 'community.wish_theme', ['neighbourhood_id', 'wish_id', 'theme_id'], wishThemes);
  counts.wishSupports = await copyRows(client, 'community.wish_support', ['wish_id', 'member_id', 'created_at'], supports);

  counts.ballots = await loadPolls(client, nbs);
  return counts;
}

/**
 * One closed priority poll per neighbourhood over its themes. Ballots have
 * database-generated ids that the allocations refer to; COPY writes the ids
 * given, so they are taken from the identity's sequence first.
 */
async function loadPolls(client: ClientBase, nbs: NeighbourhoodPlan[]): Promise<number> {
  const polls: Cell[][] = [];
  const pollThemes: Cell[][] = [];
  const ballots: Cell[][] = [];
  const allocations: Cell[][] = [];
  const voters = nbs.map((nb) => Math.min(nb.members - 2, 200));
  const total = voters.reduce((a, b) => a + b, 0);
  // The loader is the only writer, so the block of ids it reserves here is its own.
  const { rows } = await client.query<{ first: string }>(
    `SELECT setval(s, nextval(s) + $1 - 1) - $1 + 1 AS first FROM pg_get_serial_sequence('community.poll_ballot', 'id') AS s`,
    [total],
  );
  let ballotId = Number(rows[0].first);
  for (const [n, nb] of nbs.entries()) {
    const random = new Random(`community:poll:${nb.slug}`);
    const pollId = pollIdOf(nb);
    const opened = new Date(CITY_EPOCH + 400 * DAY_MS);
    polls.push([pollId, nb.id, `Spijkerpeil ${nb.name}`, 'Verdeel 100 punten over de thema’s.', 100, opened, null, opened]);
    THEMES.forEach((_, t) => pollThemes.push([nb.id, pollId, themeId(nb, t), t]));
    for (let v = 0; v < voters[n]; v++) {
      const id = ballotId++;
      ballots.push([id, pollId, memberId(nb, v + 2), new Date(opened.getTime() + v * 3_600_000)]);
      let left = 100;
      for (const t of random.distinct(3, THEMES.length)) {
        const points = Math.min(left, random.int(10, 50));
        left -= points;
        allocations.push([id, pollId, themeId(nb, t), points]);
      }
    }
  }
  await copyRows(client, 'community.poll', ['id', 'neighbourhood_id', 'title', 'description', 'points_budget', 'opened_at', 'closed_at', 'updated_at'], polls);
  await copyRows(client, 'community.poll_theme', ['neighbourhood_id', 'poll_id', 'theme_id', 'position'], pollThemes);
  await copyRows(client, 'community.poll_ballot', ['id', 'poll_id', 'member_id', 'updated_at'], ballots);
  await copyRows(client, 'community.poll_allocation', ['ballot_id', 'poll_id', 'theme_id', 'points'], allocations);
  // Closed once the ballots are in: the allocation trigger refuses ballots on a closed poll.
  const closed = new Date(CITY_EPOCH + 430 * DAY_MS);
  await client.query(`UPDATE community.poll SET closed_at = $1, updated_at = $1 WHERE neighbourhood_id = ANY($2::uuid[])`, [closed, nbs.map((nb) => nb.id)]);
  return ballots.length;
}
