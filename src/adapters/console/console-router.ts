/**
 * The old name of guarded-routes.ts, kept only while routes/orders.ts (being split on another branch) still imports
 * it: delete this file once nothing does.
 */
export { ConsoleRoutes, sendError, type ConsoleAction, type ConsoleHandler } from './guarded-routes.js';
