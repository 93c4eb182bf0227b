export { budgetMiddleware, type BudgetMiddleware, type BudgetOptions, type BudgetStats } from './budget-middleware';
export { windowOf, type BudgetLimit, type BudgetLimits, type BudgetPeriod, type TenantBudget } from './budget-limits';
export { costToMicroUsd, limitToMicroUsd, microUsdPerUsd } from './micro-usd';
