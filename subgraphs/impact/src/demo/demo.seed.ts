import type { DataSource } from 'typeorm';
import { stableId } from '@dbwe/platform';
import { AnalysisEntity } from '../analyses/analysis.entity';
import { OutcomeEntity } from '../analyses/outcome.entity';
import { StakeholderEntity } from '../analyses/stakeholder.entity';
import { InKindInputEntity } from '../analyses/in-kind-input.entity';
import { MeasurementEntity } from '../analyses/measurement.entity';
import { BidForecastEntity } from '../bids/bid-forecast.entity';

const nb = (slug: string) => stableId(`neighbourhood:${slug}`);
const project = (key: string) => stableId(`project:${key}`);
const member = (displayName: string) => stableId(`member:${displayName}`);
export const demoAnalysisId = (key: string) => stableId(`sroi:${key}`);
export const demoOutcomeId = (analysisKey: string, index: number) => stableId(`outcome:${analysisKey}:${index}`);
/** The id the projects subgraph gives the park-greenery Right to Challenge bid in its demo data. */
export const demoBidId = (key: string) => stableId(`bid:${key}`);

type Fraction = [value: string, rationale: string];

interface DemoOutcome {
  stakeholder: string;
  description: string;
  indicator: string;
  quantity: string;
  proxy: [value: string, description: string, source: string];
  years: number;
  dropOff: Fraction;
  deadweight: Fraction;
  displacement: Fraction;
  attribution: Fraction;
  negative?: boolean;
  /** [date, value, source, whether the value counts the outcome's quantity] */
  measurements?: [string, string, string, boolean?][];
}

interface DemoAnalysis {
  key: string;
  project: string;
  kind: 'FORECAST' | 'EVALUATIVE';
  title: string;
  period: [string, string];
  publishedAt: string;
  stakeholders: [name: string, description: string][];
  inKind: [description: string, quantity: string, unit: string, rate: string, source: string][];
  outcomes: DemoOutcome[];
}

const VOLUNTEER_RATE_SOURCE =
  'Vervangingswaarde vrijwilligersuur €18,50: bruto uurloon groenbeheer/facilitair (CAO Hoveniers 2025, schaal B) incl. werkgeverslasten, afgerond';

/** Demo values for illustration; the sources named are where such proxies are usually taken from. */
const analyses: DemoAnalysis[] = [
  {
    key: 'park-greenery-forecast',
    project: 'park-greenery',
    kind: 'FORECAST',
    title: 'Prognose maatschappelijke waarde groenonderhoud Lindenplein',
    period: ['2025-04-01', '2027-03-31'],
    publishedAt: '2025-04-01T12:00:00Z',
    stakeholders: [
      ['Omwonenden', 'Huishoudens binnen 200 meter van het Lindenplein; bevraagd in de bewonerspeiling van maart 2025.'],
      ['Vrijwilligers', 'Bewoners die wekelijks meewerken aan het groenonderhoud; twee focusgroepen.'],
      ['Gemeente Arnhem', 'Team Openbare Ruimte, dat het onderhoud tot nu toe zelf uitbesteedde.'],
      ['Lokale ondernemers', 'Hoveniersbedrijf uit de wijk dat het zware werk uitvoert.'],
    ],
    inKind: [['Vrijwilligersuren groenonderhoud', '560', 'uur', '18.50', VOLUNTEER_RATE_SOURCE]],
    outcomes: [
      {
        stakeholder: 'Omwonenden',
        description: 'Meer woongenot door een verzorgd, groener plein',
        indicator: 'Huishoudens die het plein in de bewonerspeiling als "prettig" of beter beoordelen',
        quantity: '180',
        proxy: ['95.00', 'Jaarlijkse betalingsbereidheid voor groen in de directe woonomgeving per huishouden', 'TEEB-stad rekentool (Rijksoverheid/Stichting Recreatie), baten woongenot, geïndexeerd naar 2025'],
        years: 3,
        dropOff: ['0.10', 'Het effect slijt als het nieuwe eraf is; 10% per jaar volgens de rekentool.'],
        deadweight: ['0.20', 'Ook zonder het project zou de gemeente het plein minimaal onderhouden.'],
        displacement: ['0', 'Geen verschuiving: het plein trekt geen waarde weg van andere plekken.'],
        attribution: ['0.15', 'De nieuwe speeltoestellen van de gemeente dragen ook bij.'],
      },
      {
        stakeholder: 'Vrijwilligers',
        description: 'Minder eenzaamheid en meer sociale contacten',
        indicator: 'Vrijwilligers met een lagere score op de De Jong Gierveld-eenzaamheidsschaal na een jaar',
        quantity: '24',
        proxy: ['650.00', 'Vermeden zorggebruik bij minder eenzaamheid (huisartsbezoek, GGZ-contact) per persoon per jaar', 'Kostenhandleiding Zorginstituut Nederland (2016), referentieprijzen geïndexeerd naar 2025'],
        years: 2,
        dropOff: ['0.25', 'Contacten verwateren als mensen stoppen; een kwart per jaar.'],
        deadweight: ['0.15', 'Een deel had via andere buurtactiviteiten ook contacten gevonden.'],
        displacement: ['0', 'Geen verdringing van ander vrijwilligerswerk verwacht.'],
        attribution: ['0.20', 'Het buurthuis organiseert ook ontmoetingen waar deze mensen komen.'],
      },
      {
        stakeholder: 'Gemeente Arnhem',
        description: 'Lagere kosten van regulier groenonderhoud',
        indicator: 'Vermeden aanbestede onderhoudskosten voor het Lindenplein',
        quantity: '1',
        proxy: ['14000.00', 'Jaarlijkse kosten van het uitbestede onderhoud die de gemeente niet meer maakt', 'Gemeente Arnhem, begroting taakveld 5.7 Openbaar groen; kengetallen CROW groenonderhoud'],
        years: 2,
        dropOff: ['0', 'Vast bedrag zolang de overeenkomst loopt.'],
        deadweight: ['0', 'Zonder het project zou de gemeente deze kosten volledig maken.'],
        displacement: ['0', 'De besparing verschuift geen kosten naar andere taakvelden.'],
        attribution: ['0', 'Volledig toe te schrijven aan de overname door de bewoners.'],
      },
      {
        stakeholder: 'Lokale ondernemers',
        description: 'Omzet voor een hovenier uit de wijk',
        indicator: 'Omzet uit het Lindenplein bij Hovenier Groen & Co',
        quantity: '1',
        proxy: ['6000.00', 'Toegevoegde waarde van de opdracht voor een lokaal bedrijf', 'Facturen Hovenier Groen & Co 2025 (wijkboekhouding), toegevoegde waarde volgens CBS-kengetal hoveniers'],
        years: 2,
        dropOff: ['0', 'Vaste opdracht zolang het project loopt.'],
        deadweight: ['0.30', 'De hovenier had een deel van deze omzet elders ook gehaald.'],
        displacement: ['0.50', 'De helft verdringt werk van andere hoveniers in Arnhem.'],
        attribution: ['0', 'Geen andere partijen betrokken.'],
      },
      {
        stakeholder: 'Omwonenden',
        description: 'Overlast door werkzaamheden en groenafval',
        indicator: 'Huishoudens die overlast melden bij het wijkteam',
        quantity: '40',
        proxy: ['25.00', 'Waarde van verloren woongenot door geluid en afval, per huishouden', 'Handreiking MKBA in het sociaal domein (Ministerie van BZK), kengetal hinder'],
        years: 1,
        dropOff: ['0', 'Eenmalig in het eerste jaar.'],
        deadweight: ['0', 'Zonder het project geen extra werkzaamheden.'],
        displacement: ['0', 'Niet van toepassing.'],
        attribution: ['0', 'Volledig door het project veroorzaakt.'],
        negative: true,
      },
    ],
  },
  {
    key: 'neighbourhood-kitchen-evaluation',
    project: 'neighbourhood-kitchen',
    kind: 'EVALUATIVE',
    title: 'Evaluatie Buurtkeuken 2025',
    period: ['2025-02-01', '2025-12-31'],
    publishedAt: '2026-01-20T12:00:00Z',
    stakeholders: [
      ['Deelnemers buurtmaaltijd', 'Bewoners die minstens maandelijks mee-eten; enquête bij de eerste en laatste maaltijd.'],
      ['Vrijwilligers', 'Koks en gastvrouwen/-heren van de buurtkeuken; interviews.'],
      ['Lokale ondernemers', 'Bakkerij De Spijker, leverancier van brood en kookgerei.'],
    ],
    inKind: [['Vrijwilligersuren buurtkeuken 2025 (wijkboekhouding, rekening 9100)', '410', 'uur', '18.50', VOLUNTEER_RATE_SOURCE]],
    outcomes: [
      {
        stakeholder: 'Deelnemers buurtmaaltijd',
        description: 'Minder eenzaamheid',
        indicator: 'Deelnemers van wie de score op de De Jong Gierveld-eenzaamheidsschaal (0–11) daalde',
        quantity: '35',
        proxy: ['420.00', 'Vermeden zorggebruik bij minder eenzaamheid per persoon per jaar', 'Kostenhandleiding Zorginstituut Nederland (2016), referentieprijzen geïndexeerd naar 2025'],
        years: 2,
        dropOff: ['0.30', 'Zonder maaltijden nemen contacten snel af; 30% per jaar.'],
        deadweight: ['0.20', 'Landelijk daalt eenzaamheid na de coronajaren ook zonder interventie.'],
        displacement: ['0', 'Geen verdringing.'],
        attribution: ['0.10', 'Een deel bezoekt ook het buurthuis.'],
        measurements: [
          ['2025-02-05', '6.1', 'Enquête eerste buurtmaaltijd, gemiddelde De Jong Gierveld-score (n = 41)'],
          ['2025-07-02', '5.2', 'Tussenmeting, gemiddelde score (n = 37)'],
          ['2025-12-17', '4.6', 'Eindmeting, gemiddelde score (n = 38); 35 deelnemers verbeterd'],
        ],
      },
      {
        stakeholder: 'Deelnemers buurtmaaltijd',
        description: 'Gezondere voeding',
        indicator: 'Deelnemers die minstens twee keer per week groente eten volgens de Schijf van Vijf',
        quantity: '35',
        proxy: ['120.00', 'Waarde van een gezonde maaltijd per week tegen het Nibud-referentiebudget', 'Nibud, referentiebudget voeding eenpersoonshuishouden 2025'],
        years: 1,
        dropOff: ['0', 'Eén jaar gerekend.'],
        deadweight: ['0.25', 'Een kwart at al gezond.'],
        displacement: ['0', 'Geen verdringing.'],
        attribution: ['0.20', 'Voedingsvoorlichting door de GGD in dezelfde periode.'],
        measurements: [
          ['2025-02-05', '14', 'Enquête eerste buurtmaaltijd: deelnemers met voldoende groente', true],
          ['2025-12-17', '35', 'Eindmeting: deelnemers met voldoende groente', true],
        ],
      },
      {
        stakeholder: 'Vrijwilligers',
        description: 'Werkervaring en zelfvertrouwen',
        indicator: 'Vrijwilligers die meer zelfvertrouwen rapporteren en een referentie voor werk kregen',
        quantity: '12',
        proxy: ['900.00', 'Kosten van een vergelijkbaar re-integratietraject (werkervaringsplaats) per persoon', 'UWV, tarieven re-integratiedienstverlening 2025 (werkfit-traject), naar rato'],
        years: 2,
        dropOff: ['0.20', 'Ervaring veroudert als er geen werk volgt.'],
        deadweight: ['0.10', 'Enkelen hadden via ander vrijwilligerswerk ook ervaring opgedaan.'],
        displacement: ['0', 'Geen verdringing.'],
        attribution: ['0.25', 'Het Werkplein begeleidt een deel van deze vrijwilligers.'],
        measurements: [['2025-12-10', '12', 'Interviews met 14 vrijwilligers', true]],
      },
      {
        stakeholder: 'Lokale ondernemers',
        description: 'Extra omzet voor de bakker in de wijk',
        indicator: 'Omzet uit de buurtkeuken bij Bakkerij De Spijker',
        quantity: '1',
        proxy: ['1500.00', 'Toegevoegde waarde van de bestellingen', 'Facturen Bakkerij De Spijker 2025 (wijkboekhouding)'],
        years: 1,
        dropOff: ['0', 'Eén jaar gerekend.'],
        deadweight: ['0.40', 'De bakker levert ook zonder de buurtkeuken aan bewoners.'],
        displacement: ['0.50', 'De helft verschuift omzet van supermarkten in de wijk.'],
        attribution: ['0', 'Geen andere partijen.'],
      },
    ],
  },
];

/** Loads the demo analyses once; their outcomes are written while draft, then published (the database forbids later changes). */
export async function seedDemo(db: DataSource): Promise<void> {
  await db.transaction(async (tx) => {
    if (await tx.getRepository(AnalysisEntity).existsBy({ id: demoAnalysisId('park-greenery-forecast') })) return;
    for (const a of analyses) {
      const id = demoAnalysisId(a.key);
      const created = new Date(new Date(a.publishedAt).getTime() - 14 * 86_400_000);
      await tx.getRepository(AnalysisEntity).insert({
        id,
        projectId: project(a.project),
        neighbourhoodId: nb('spijkerkwartier'),
        kind: a.kind,
        status: 'DRAFT',
        title: a.title,
        periodStart: a.period[0],
        periodEnd: a.period[1],
        discountRate: '0.035',
        discountFirstYear: true,
        plannedInputs: null,
        volunteerHourRate: null,
        volunteerHourRateSource: null,
        supersedesId: null,
        createdBy: member('Penningmeester Pieter'),
        publishedAt: null,
        createdAt: created,
        updatedAt: created,
      });
      await tx.getRepository(StakeholderEntity).insert(a.stakeholders.map(([name, description], position) => ({ analysisId: id, name, description, position })));
      await tx.getRepository(InKindInputEntity).insert(
        a.inKind.map(([description, quantity, unit, rate, source], position) => ({ analysisId: id, position, description, quantity, unit, rate, source })),
      );
      for (const [index, o] of a.outcomes.entries()) {
        const outcomeId = demoOutcomeId(a.key, index);
        const at = new Date(created.getTime() + index * 60_000);
        await tx.getRepository(OutcomeEntity).insert({
          id: outcomeId,
          analysisId: id,
          stakeholder: o.stakeholder,
          description: o.description,
          indicator: o.indicator,
          quantity: o.quantity,
          proxyValue: o.proxy[0],
          proxyDescription: o.proxy[1],
          proxySource: o.proxy[2],
          durationYears: o.years,
          dropOff: o.dropOff[0],
          dropOffRationale: o.dropOff[1],
          deadweight: o.deadweight[0],
          deadweightRationale: o.deadweight[1],
          displacement: o.displacement[0],
          displacementRationale: o.displacement[1],
          attribution: o.attribution[0],
          attributionRationale: o.attribution[1],
          negative: o.negative ?? false,
          createdAt: at,
          updatedAt: at,
        });
        for (const [m, [measuredOn, value, source, measuresQuantity = false]] of (o.measurements ?? []).entries()) {
          await tx.getRepository(MeasurementEntity).insert({
            id: stableId(`measurement:${a.key}:${index}:${m}`),
            outcomeId,
            measuredOn,
            value,
            measuresQuantity,
            source,
            note: null,
            recordedAt: new Date(`${measuredOn}T18:00:00Z`),
          });
        }
      }
      const publishedAt = new Date(a.publishedAt);
      await tx.getRepository(AnalysisEntity).update({ id }, { status: 'PUBLISHED', publishedAt, updatedAt: publishedAt });
    }
    await tx.getRepository(BidForecastEntity).insert({
      bidId: demoBidId('lindenplein-greenery'),
      analysisId: demoAnalysisId('park-greenery-forecast'),
      linkedBy: member('Penningmeester Pieter'),
      updatedAt: new Date('2025-04-01T12:00:00Z'),
    });
  });
}
