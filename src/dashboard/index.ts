export { Dashboard, type DashboardArgs } from './dashboard-callback.js';
export { type DashboardOptions, type DashboardServer, startDashboard } from './server.js';
export { type RunState, type RunStatus, readStudies, type StudyState } from './study-state.js';
