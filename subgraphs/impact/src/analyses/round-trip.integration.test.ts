import fc from 'fast-check';
import { stableId } from '@dbwe/platform';
import { SPIJKERKWARTIER, startImpact, steward, type ImpactTest } from '../testing/impact.fixtures';
import { Q, tenToMinus } from '../testing/rational';

/*
 * Whatever the API returns for an assumption, it accepts back unchanged: for
 * random impact maps, the impact map read back, every value of the
 * sensitivity analysis (base, low and high values, every break-even, the ends
 * of every range, the axes of the two-way table) is sent back through the
 * mutation that accepts it, accepted, and read back as it was sent. Every
 * break-even put back gives a ratio of 1 to within 1e-9, read from the API.
 */
let subgraph: ImpactTest;
beforeAll(async () => {
  subgraph = await startImpact();
});
afterAll(() => subgraph.teardown());

async function ok<T = any>(query: string, variables: Record<string, unknown>): Promise<T> {
  const { data, errors } = await subgraph.execute<any>(query, variables, steward);
  expect(errors).toBeUndefined();
  return data;
}

const decimal = (maxWhole: number, decimals: number) =>
  fc.tuple(fc.integer({ min: 0, max: maxWhole }), fc.stringMatching(new RegExp(`^[0-9]{0,${decimals}}$`))).map(([w, f]) => (f ? `${w}.${f}` : String(w)));
const fraction = fc.oneof(
  { arbitrary: fc.constantFrom('0', '0.1', '0.5'), weight: 3 },
  { arbitrary: fc.constant('1'), weight: 1 },
  { arbitrary: fc.stringMatching(/^[0-9]{1,12}$/).map((f) => `0.${f}`), weight: 4 },
);
const because = (value: string) => ({ value, rationale: 'Aanname uit de bewonerspeiling.' });

const outcomeArb = fc.record({
  quantity: fc.oneof({ arbitrary: decimal(500, 3), weight: 6 }, { arbitrary: fc.constantFrom('1000000000000', '0'), weight: 1 }),
  proxy: fc.oneof(decimal(2000, 12), fc.constant('0.123456789012')),
  years: fc.integer({ min: 1, max: 8 }),
  dropOff: fraction,
  deadweight: fraction,
  displacement: fraction,
  attribution: fraction,
  negative: fc.boolean(),
});

const mapArb = fc.record({
  outcomes: fc.array(outcomeArb, { minLength: 1, maxLength: 2 }),
  rate: fc.constantFrom('0', '0.035', '0.0000001', '3.5'),
  discountFirstYear: fc.boolean(),
  planned: decimal(50000, 2),
  /** Planned inputs as a multiple of the present value, so that 1 : 1 is often within reach. */
  factor: fc.constantFrom(0.5, 0.9, 1.1, 3),
  inKind: fc.record({ quantity: decimal(1000, 2), rate: decimal(40, 3) }),
});

const OUTCOME = `id stakeholder description indicator quantity financialProxy { value description source } durationYears
  dropOff { value rationale } deadweight { value rationale } displacement { value rationale } attribution { value rationale } negative`;

/** An outcome as read, as the input the mutation takes. */
const asInput = (o: any): Record<string, unknown> => ({
  stakeholder: o.stakeholder,
  description: o.description,
  indicator: o.indicator,
  quantity: o.quantity,
  financialProxy: o.financialProxy,
  durationYears: o.durationYears,
  dropOff: o.dropOff,
  deadweight: o.deadweight,
  displacement: o.displacement,
  attribution: o.attribution,
  negative: o.negative,
});

/** Where each assumption sits in an outcome's input, and how its value reads back. */
const slot: Record<string, { set: (o: any, v: string) => any; get: (o: any) => string }> = {
  DEADWEIGHT: { set: (o, v) => ({ ...o, deadweight: because(v) }), get: (o) => o.deadweight.value },
  DISPLACEMENT: { set: (o, v) => ({ ...o, displacement: because(v) }), get: (o) => o.displacement.value },
  ATTRIBUTION: { set: (o, v) => ({ ...o, attribution: because(v) }), get: (o) => o.attribution.value },
  DROP_OFF: { set: (o, v) => ({ ...o, dropOff: because(v) }), get: (o) => o.dropOff.value },
  // A proxy reads back with at least two decimals ("80" as "80.00"): the same number.
  FINANCIAL_PROXY: { set: (o, v) => ({ ...o, financialProxy: { ...o.financialProxy, value: v } }), get: (o) => o.financialProxy.value },
  QUANTITY: { set: (o, v) => ({ ...o, quantity: v }), get: (o) => o.quantity },
  DURATION: { set: (o, v) => ({ ...o, durationYears: Number(v) }), get: (o) => String(o.durationYears) },
};

const sameNumber = (a: string, b: string) => Q.parse(a).compare(Q.parse(b)) === 0;

const READ = `query($id: ID!) { sroiAnalysis(id: $id) {
  discountRate discountFirstYear plannedInputs inKindInputs { description quantity unit rate source }
  outcomes { ${OUTCOME} }
  result { ratioExact
    sensitivity { outcome { id } variations { assumption baseValue lowValue highValue }
      breakEvens { assumption status value lowerYears upperYears minimum maximum } }
    twoWaySensitivity { rows { outcome { id } assumption values } columns { outcome { id } assumption values } } } } }`;

const UPDATE_OUTCOME = `mutation($id: ID!, $input: OutcomeInput!) { updateSroiOutcome(id: $id, input: $input) {
  __typename ... on SroiOutcomePayload { outcome { ${OUTCOME} } analysis { result { ratioExact } } } ... on ImpactError { code message field } } }`;

describe('every value the API returns round-trips through the mutation that accepts it', () => {
  it('for random impact maps', async () => {
    // Counted, so that a run that never reaches a break-even cannot pass unnoticed.
    let valuesSentBack = 0;
    let breakEvensPutBack = 0;
    await fc.assert(
      fc.asyncProperty(mapArb, async (m) => {
        const created = await ok(
          `mutation($input: CreateSroiAnalysisInput!) { createSroiAnalysis(input: $input) { ... on SroiAnalysisPayload { analysis { id } } } }`,
          {
            input: {
              projectId: stableId('project:repair-cafe'),
              neighbourhoodId: SPIJKERKWARTIER,
              kind: 'FORECAST',
              title: 'Willekeurige prognose',
              periodStart: '2026-01-01',
              periodEnd: '2026-12-31',
              discountRate: m.rate,
              discountFirstYear: m.discountFirstYear,
              plannedInputs: m.planned,
              stakeholders: [{ name: 'Bewoners', description: 'Bewoners' }],
              inKindInputs: [{ description: 'Uren', quantity: m.inKind.quantity, unit: 'uur', rate: m.inKind.rate, source: 'Tarief' }],
            },
          },
        );
        const id = created.createSroiAnalysis.analysis.id;
        for (const o of m.outcomes) {
          const added = await ok(`mutation($id: ID!, $input: OutcomeInput!) { addSroiOutcome(analysisId: $id, input: $input) { __typename } }`, {
            id,
            input: {
              stakeholder: 'Bewoners',
              description: 'Uitkomst',
              indicator: 'Indicator',
              quantity: o.quantity,
              financialProxy: { value: o.proxy, description: 'Proxy', source: 'Bron' },
              durationYears: o.years,
              dropOff: because(o.dropOff),
              deadweight: because(o.deadweight),
              displacement: because(o.displacement),
              attribution: because(o.attribution),
              negative: o.negative,
            },
          });
          expect(added.addSroiOutcome.__typename).toBe('SroiOutcomePayload');
        }
        const pv = (await ok(`query($id: ID!) { sroiAnalysis(id: $id) { result { presentValueExact } } }`, { id })).sroiAnalysis.result.presentValueExact;
        const near = (Math.abs(Number(pv)) * m.factor).toFixed(2);
        if (Number(near) > 0 && Number(near) < 1e15) {
          await ok(`mutation($id: ID!, $planned: String!) { updateSroiAnalysis(id: $id, input: { plannedInputs: $planned }) { __typename } }`, { id, planned: near });
        }
        const before = (await ok(READ, { id })).sroiAnalysis;

        // The analysis's own numbers, sent back as read: accepted, and read back the same.
        const header = await ok(
          `mutation($id: ID!, $input: UpdateSroiAnalysisInput!) { updateSroiAnalysis(id: $id, input: $input) { __typename ... on ImpactError { message } } }`,
          { id, input: { discountRate: before.discountRate, plannedInputs: before.plannedInputs, inKindInputs: before.inKindInputs } },
        );
        expect(header.updateSroiAnalysis.__typename).toBe('SroiAnalysisPayload');
        const after = (await ok(READ, { id })).sroiAnalysis;
        expect([after.discountRate, after.plannedInputs, after.inKindInputs]).toEqual([before.discountRate, before.plannedInputs, before.inKindInputs]);

        for (const outcome of before.outcomes) {
          // The outcome as read, sent back unchanged.
          const same = await ok(UPDATE_OUTCOME, { id: outcome.id, input: asInput(outcome) });
          expect(same.updateSroiOutcome.__typename).toBe('SroiOutcomePayload');
          expect(same.updateSroiOutcome.outcome).toEqual(outcome);

          const s = before.result.sensitivity.find((x: any) => x.outcome.id === outcome.id);
          const values = new Map<string, Set<string>>();
          const note = (assumption: string, value: string | number | null) => {
            if (value === null) return;
            if (!values.has(assumption)) values.set(assumption, new Set());
            values.get(assumption)!.add(String(value));
          };
          for (const v of s.variations) [v.baseValue, v.lowValue, v.highValue].forEach((x) => note(v.assumption, x));
          for (const b of s.breakEvens) [b.value, b.lowerYears, b.upperYears, b.minimum, b.maximum].forEach((x) => note(b.assumption, x));
          for (const axis of before.result.twoWaySensitivity ? [before.result.twoWaySensitivity.rows, before.result.twoWaySensitivity.columns] : []) {
            if (axis.outcome.id === outcome.id) axis.values.forEach((x: string) => note(axis.assumption, x));
          }
          for (const [assumption, set] of values) {
            for (const value of set) {
              const sent = await ok(UPDATE_OUTCOME, { id: outcome.id, input: slot[assumption].set(asInput(outcome), value) });
              valuesSentBack++;
              const label = `${assumption} = ${value}`;
              expect([label, sent.updateSroiOutcome.__typename]).toEqual([label, 'SroiOutcomePayload']);
              const readBack = slot[assumption].get(sent.updateSroiOutcome.outcome);
              expect([label, assumption === 'FINANCIAL_PROXY' ? sameNumber(readBack, value) : readBack === value]).toEqual([label, true]);
              const breakEven = s.breakEvens.find((b: any) => b.assumption === assumption && b.status === 'REACHED' && b.value === value);
              if (breakEven) {
                breakEvensPutBack++;
                const ratio = Q.parse(sent.updateSroiOutcome.analysis.result.ratioExact);
                expect([label, ratio.minus(Q.int(1)).abs().compare(tenToMinus(9)) <= 0]).toEqual([label, true]);
              }
            }
          }
          // Back as it was, for the next outcome's break-evens.
          await ok(UPDATE_OUTCOME, { id: outcome.id, input: asInput(outcome) });
        }
      }),
      { numRuns: 10, seed: 1818 },
    );
    expect(valuesSentBack).toBeGreaterThan(100);
    expect(breakEvensPutBack).toBeGreaterThan(5);
  }, 120_000);
});
