/**
 * Cost estimates: the monthly price of what a stack renders, line by line, from the AWS Price List API
 * or the dated table shipped with stackctl; and the monthly difference a plan makes.
 *
 * @module
 */
export {
  DEFAULT_TASK_COUNT,
  ESTIMATE_ASSUMPTIONS,
  type Estimate,
  type EstimateInput,
  type EstimateLine,
  estimateStack,
} from './estimate-stack.js';
export {
  estimateHeading,
  formatEstimateMarkdown,
  formatEstimateText,
  formatMonthlyDifference,
  formatPlanCostLine,
  formatUnitPrice,
  formatUsd,
} from './format-estimate.js';
export { type PlanCost, planCost, planCostLine } from './plan-cost.js';
export {
  type LoadPricesOptions,
  loadPrices,
  onDemandPrice,
  PRICE_LIST_API_REGION,
  PRICE_LIST_TIMEOUT_MS,
  priceKeysOf,
} from './price-list-api.js';
export {
  cacheNodeKey,
  FARGATE_SPOT_TABLE_FRACTION,
  FLAT_PRICE_KEYS,
  type FlatPriceKey,
  HOURS_PER_MONTH,
  PRICE_TABLE_DATE,
  type PriceBook,
  type PriceKey,
  type PriceSourceKind,
  rdsInstanceKey,
  TABLE_REGIONS,
  tablePrices,
  type UnitPrice,
} from './price-table.js';
export { renderWithMode } from './with-mode.js';
