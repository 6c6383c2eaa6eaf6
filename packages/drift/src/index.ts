export { ks2Samp, ks2SampSorted, ksStatistic } from './ks.js';
export type { TestResult } from './ks.js';
export { kolmogorovSf, smirnov } from './kolmogorov.js';
export { chiSquaredSf, normalSf, gammaQ, logGamma } from './special.js';
export {
  chiSquaredContingency,
  proportionsZTest,
  wasserstein,
  wassersteinSorted,
  normalizedWasserstein,
  populationStd,
  jensenShannon,
  populationStabilityIndex,
} from './statistics.js';
export { SeededRandom } from './random.js';
