import type { AnalysisEntity } from './analysis.entity';
import type { SroiCalculation } from './sroi';

export interface SroiResultValue {
  analysis: AnalysisEntity;
  calculation: SroiCalculation;
}
