/** The app's screens. A feature plugs in with one line: its path and its (lazy) view. */

import Today from '../features/today/Today';
import WorkOrderPage from '../features/workorder/WorkOrderPage';
import { type RouteView, lazyView } from './lazy';

export interface RouteDef {
  pattern: string;
  view: RouteView;
}

// The core flow loads with the app; the rest on first use.
export const ROUTES: readonly RouteDef[] = [
  { pattern: '/', view: Today },
  { pattern: '/wo/:id', view: WorkOrderPage },
  { pattern: '/a/:tag', view: lazyView(() => import('../features/assets/AssetPage')) },
  { pattern: '/attention', view: lazyView(() => import('../features/attention/Attention')) },
  { pattern: '/settings', view: lazyView(() => import('../features/settings/Settings')) },
  { pattern: '/wo/:id/appointment', view: lazyView(() => import('../features/appointment/AppointmentPage')) },
  { pattern: '/wo/:id/complete', view: lazyView(() => import('../features/completion/CompletionPage')) },
  { pattern: '/knowledge', view: lazyView(() => import('../features/knowledge/KnowledgePage')) },
  { pattern: '/wo/:id/checklist', view: lazyView(() => import('../features/checklist/ChecklistPage')) },
  { pattern: '/scan', view: lazyView(() => import('../features/scan/ScanPage')) },
  { pattern: '/photos/uploads', view: lazyView(() => import('../features/photos/UploadsPage')) },
  { pattern: '/board', view: lazyView(() => import('../features/board/Board')) },
  { pattern: '/dashboard', view: lazyView(() => import('../features/dashboard/Dashboard')) },
];
