// The consular post's dashboard: flag a citizen, the post's alerts (among them cases other agencies
// reported to it, to verify), its open cases.

import { intakeDashboard } from './intake.js';

export function mountConsular(container, ctx) {
  return intakeDashboard(container, ctx, { className: 'consular', titleKey: 'view.consular', formTitleKey: 'flag.title', casesTitleKey: 'cases.title' });
}
