import { EVENT_CATALOGUE, isPublicEvent } from '@dbwe/platform';
import { allSubgraphs } from './subgraphs';

/*
 * Webhook subscriptions and the BI feed name event types from the kit's
 * catalogue; every event a subgraph records must be in it, and nothing else.
 */
describe('the event catalogue', () => {
  it.each(allSubgraphs.map((module) => [module.name, module] as const))('lists exactly what %s records', (name, module) => {
    expect([...new Set(module.events?.emits ?? [])].sort()).toEqual([...EVENT_CATALOGUE[name]].sort());
  });

  it("keeps a draft bid's events private, and a draft withdrawn before submission", () => {
    expect(isPublicEvent({ type: 'nl.dbwe.projects.bid.drafted', data: {} })).toBe(false);
    expect(isPublicEvent({ type: 'nl.dbwe.projects.bid.updated', data: {} })).toBe(false);
    expect(isPublicEvent({ type: 'nl.dbwe.projects.bid.withdrawn', data: { from: 'DRAFT' } })).toBe(false);
    expect(isPublicEvent({ type: 'nl.dbwe.projects.bid.withdrawn', data: { from: 'SUBMITTED' } })).toBe(true);
    expect(isPublicEvent({ type: 'nl.dbwe.ledger.entry.posted', data: {} })).toBe(true);
  });
});
