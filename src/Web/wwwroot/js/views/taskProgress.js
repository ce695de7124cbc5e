// A task owner reports progress from its own dashboard: on the card of a committee task assigned to
// the agency (TaskAssigned, TaskOverdue), the task's status, its indicator's value and a note, sent
// to PATCH /api/committees/{id}/tasks/{taskId}; the committee's secretary and members are told.

import { h } from '../dom.js';
import { t, e, enumValues } from '../i18n.js';
import { get, request } from '../api.js';
import { field, select, textInput, formSummary, problemMessage, check, collect } from '../forms.js';
import { bindDraft, submitted } from './formState.js';

const TaskTypes = new Set(['TaskAssigned', 'TaskOverdue']);
const NotePattern = /\S/;

// Each task card's control, by feed item: the feed re-renders its cards on every change, and an open
// form (with what was typed) moves into the new card instead of being lost.
let controls = new Map();
window.addEventListener('session', () => {
  controls = new Map();
});

function taskUrl(item) {
  return `/api/committees/${encodeURIComponent(item.committeeId)}/tasks/${encodeURIComponent(item.taskId)}`;
}

/**
 * The form of a task's progress: status, indicator value and note, and for the committee's secretary
 * (`dueDate`, `owners`: [id, name] pairs) the due date and the owner agency, to reassign the task;
 * `item` names the task (`committeeId`, `taskId`).
 */
export function progressForm(item, task, onDone, onCancel, { dueDate = false, owners = null } = {}) {
  const indicator = task.indicator;
  const form = h('form', { class: 'task-progress-form', novalidate: true },
    formSummary(),
    field('status', t('task.status'), select(enumValues('ActionPlanTaskStatus').map((s) => [s, e('ActionPlanTaskStatus', s)]), task.status)),
    dueDate ? field('dueDate', t('plan.field.due'), h('input', { type: 'date', value: task.dueDate })) : null,
    owners ? field('ownerAgencyId', t('plan.field.owner'), select(owners, task.ownerAgencyId), { hint: t('task.owner.hint') }) : null,
    indicator
      ? field('indicatorValue', t('task.indicator', { name: indicator.name, unit: indicator.unit }),
        textInput({ inputmode: 'decimal', value: indicator.value ?? '' }),
        { hint: t('task.indicator.hint', { baseline: indicator.baseline, target: indicator.target, unit: indicator.unit }) })
      : null,
    field('note', t('task.note'), h('textarea', { rows: '3', maxlength: '2000' }), { hint: t('task.note.hint') }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button primary' }, t('task.submit')),
      h('button', { type: 'button', class: 'button secondary', onclick: onCancel }, t('admin.cancel'))));

  const draft = {};
  bindDraft(form, draft, () => collect({
    indicatorValue: [draft.indicatorValue?.trim() && !Number.isFinite(Number(draft.indicatorValue.replace(',', '.'))) ? t('task.error.number') : null],
    note: [check.maxLength(draft.note, 2000)],
  }), async () => {
    // Only what was changed in the form is sent: a form left open while someone else changed the task
    // (its card is redrawn, the form kept) must not put back the values it was opened with.
    const changed = (key) => (draft[key] && draft[key] !== task[key] ? draft[key] : null);
    const value = draft.indicatorValue?.trim() ? Number(draft.indicatorValue.replace(',', '.')) : null;
    const body = {
      status: changed('status'),
      indicatorValue: value !== null && value !== (indicator?.value ?? null) ? value : null,
      note: NotePattern.test(draft.note ?? '') ? draft.note.trim() : null,
      dueDate: dueDate ? changed('dueDate') : null,
      ownerAgencyId: owners ? changed('ownerAgencyId') : null,
    };
    if (Object.values(body).every((v) => v === null)) {
      onCancel();
      return;
    }
    const saved = await submitted(form, () => request('PATCH', taskUrl(item), body));
    if (saved) {
      onDone(t('task.reported', { title: saved.title, status: e('ActionPlanTaskStatus', saved.status) }));
    }
  });
  return form;
}

/** The "report progress" control of a task card, or null for an item that is not a task of the agency's. */
export function taskProgressAction(item) {
  if (!TaskTypes.has(item.type) || !item.committeeId || !item.taskId) {
    return null;
  }
  if (controls.has(item.id)) {
    return controls.get(item.id);
  }

  const host = h('div', { class: 'task-progress' });
  const message = h('p', { class: 'form-result', role: 'status', tabindex: '-1' });
  const button = () => h('button', {
    type: 'button', class: 'button secondary', dataset: { action: 'progress', focusKey: `progress-${item.id}` }, onclick: open,
  }, t('task.progress'));
  const close = (text) => {
    message.textContent = text ?? '';
    host.replaceChildren(button(), message);
    if (text) {
      message.focus();
    }
  };
  async function open() {
    try {
      const task = await get(taskUrl(item));
      const form = progressForm(item, task, close, () => {
        close();
        host.querySelector('button')?.focus();
      });
      host.replaceChildren(form);
      form.querySelector('select, input, textarea')?.focus();
    } catch (error) {
      message.textContent = problemMessage(error);
      message.focus();
    }
  }

  close();
  controls.set(item.id, host);
  return host;
}
