// The committee secretary's tools on the plan board: a new task (with its indicator), the plan
// exported as CSV and a CSV plan imported, and each task's status, due date, owner, indicator value
// and note edited on its card. Members see the board only.

import { h } from '../dom.js';
import { t, e, enumValues } from '../i18n.js';
import { post, request } from '../api.js';
import { field, select, textInput, formSummary, check, collect } from '../forms.js';
import { bindDraft, submitted, RetryKey } from './formState.js';
import { progressForm } from './taskProgress.js';

const NumberPattern = /^-?\d+([.,]\d+)?$/;

let retryKey = new RetryKey();
let importKey = new RetryKey();
window.addEventListener('session', () => {
  retryKey = new RetryKey();
  importKey = new RetryKey();
});

export function isSecretary(ctx) {
  return ctx.me.roles.includes('CommitteeSecretary');
}

const toNumber = (text) => Number(String(text).replace(',', '.'));

function validateTask(d) {
  const indicator = [d.indicatorName, d.indicatorUnit, d.indicatorBaseline, d.indicatorTarget].some((v) => v?.trim());
  const number = (v) => (v?.trim() && !NumberPattern.test(v.trim()) ? t('task.error.number') : null);
  return collect({
    title: [check.required(d.title), check.maxLength(d.title, 300)],
    area: [check.required(d.area)],
    ownerAgencyId: [check.required(d.ownerAgencyId)],
    dueDate: [check.required(d.dueDate)],
    'indicator.name': indicator ? [check.required(d.indicatorName)] : [],
    'indicator.unit': indicator ? [check.required(d.indicatorUnit)] : [],
    'indicator.baseline': indicator ? [check.required(d.indicatorBaseline), number(d.indicatorBaseline)] : [],
    'indicator.target': indicator ? [check.required(d.indicatorTarget), number(d.indicatorTarget)] : [],
  });
}

/** The agencies that may own a task of the committee, as [id, name] choices: any but another committee. */
function ownerChoices(ctx, committeeId) {
  return [...ctx.agencies.values()].filter((a) => a.kind !== 'Committee' || a.id === committeeId)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((a) => [a.id, a.name]);
}

function newTaskForm(ctx, committeeId, onDone, onCancel) {
  const owners = ownerChoices(ctx, committeeId);
  const form = h('form', { class: 'task-form', id: 'task-form', novalidate: true },
    h('h3', { tabindex: '-1' }, t('plan.new.title')),
    formSummary(),
    field('title', t('plan.field.title'), textInput({ maxlength: '300' })),
    h('div', { class: 'row' },
      field('area', t('plan.field.area'), select([['', t('flag.choose')], ...enumValues('ActionPlanArea').map((a) => [a, e('ActionPlanArea', a)])], '')),
      field('dueDate', t('plan.field.due'), h('input', { type: 'date' }))),
    field('ownerAgencyId', t('plan.field.owner'), select([['', t('flag.choose')], ...owners], '')),
    h('fieldset', { class: 'field' },
      h('legend', {}, t('plan.field.indicator')),
      h('div', { class: 'row' },
        field('indicator.name', t('plan.field.indicatorName'), textInput({ name: 'indicatorName', maxlength: '200' })),
        field('indicator.unit', t('plan.field.indicatorUnit'), textInput({ name: 'indicatorUnit', maxlength: '50' }))),
      h('div', { class: 'row' },
        field('indicator.baseline', t('plan.field.indicatorBaseline'), textInput({ name: 'indicatorBaseline', inputmode: 'decimal' })),
        field('indicator.target', t('plan.field.indicatorTarget'), textInput({ name: 'indicatorTarget', inputmode: 'decimal' })))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button primary' }, t('plan.new.submit')),
      h('button', { type: 'button', class: 'button secondary', onclick: onCancel }, t('admin.cancel'))));

  const draft = {};
  bindDraft(form, draft, () => validateTask(draft), async () => {
    const hasIndicator = Boolean(draft.indicatorName?.trim());
    const body = {
      title: draft.title.trim(),
      area: draft.area,
      ownerAgencyId: draft.ownerAgencyId,
      dueDate: draft.dueDate,
      indicator: hasIndicator
        ? { name: draft.indicatorName.trim(), unit: draft.indicatorUnit.trim(), baseline: toNumber(draft.indicatorBaseline), target: toNumber(draft.indicatorTarget) }
        : null,
    };
    const payload = JSON.stringify(body);
    const key = retryKey.keyFor(payload);
    const created = await submitted(form,
      () => post(`/api/committees/${encodeURIComponent(committeeId)}/tasks`, body, { headers: { 'Idempotency-Key': key } }),
      (error) => {
        retryKey.settle(payload, key, error);
        return false;
      });
    if (created) {
      retryKey.settle(payload, key, null);
      onDone(t('plan.new.done', { title: created.title }));
    }
  });
  return form;
}

/** Saves the plan as CSV through a download link made in the page (the request carries the token). */
async function exportPlan(committeeId, result) {
  try {
    const csv = await request('GET', `/api/committees/${encodeURIComponent(committeeId)}/plan.csv`, undefined, { text: true });
    const link = h('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: `${committeeId}-plan.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    result(t('plan.export.done'));
  } catch (error) {
    result(null, error);
  }
}

function importForm(committeeId, onDone) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv' });
  const form = h('form', { class: 'import-form', id: 'plan-import', novalidate: true },
    formSummary(),
    field('file', t('plan.import.file'), file, { hint: t('plan.import.hint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button secondary' }, t('plan.import.submit'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) {
      form.querySelector('.form-summary').hidden = false;
      form.querySelector('.form-summary').replaceChildren(h('p', {}, t('plan.import.none')));
      return;
    }
    const csv = await chosen.text();
    const key = importKey.keyFor(csv);
    const added = await submitted(form,
      () => post(`/api/committees/${encodeURIComponent(committeeId)}/plan/import`, csv, { contentType: 'text/csv', headers: { 'Idempotency-Key': key } }),
      (error) => {
        importKey.settle(csv, key, error);
        return false;
      });
    if (added) {
      importKey.settle(csv, key, null);
      form.reset();
      onDone(t('plan.import.done', { count: added.tasks.length }));
    }
  });
  return form;
}

/** The secretary's tools above the board; <paramref name="reload"/> reads the plan anew after a change. */
export function planTools(ctx, committeeId, reload) {
  const result = h('p', { class: 'form-result', role: 'status', tabindex: '-1', id: 'plan-result' });
  const formHost = h('div');
  const show = (text, error) => {
    result.textContent = error ? `${t('plan.failed')} ${error.detail || error.title || ''}` : text;
    result.focus();
  };
  const done = (text) => {
    formHost.replaceChildren();
    show(text);
    reload();
  };
  const newTask = h('button', {
    type: 'button', class: 'button primary', id: 'plan-new-task',
    onclick: () => {
      formHost.replaceChildren(newTaskForm(ctx, committeeId, done, () => { formHost.replaceChildren(); newTask.focus(); }));
      formHost.querySelector('h3')?.focus();
    },
  }, t('plan.new'));
  return h('div', { class: 'plan-tools' },
    h('div', { class: 'actions' },
      newTask,
      h('button', { type: 'button', class: 'button secondary', id: 'plan-export', onclick: () => exportPlan(committeeId, show) }, t('plan.export'))),
    result,
    formHost,
    importForm(committeeId, done));
}

/**
 * The secretary's "edit" control on a task card: status, due date, owner (to reassign it), indicator value
 * and note. The board is drawn anew on every change of the plan (a push of a task item, another tab's
 * edit); a form open in <paramref name="open"/> (by task id, kept by the view) moves into the new card
 * with what was typed, instead of closing under the secretary's hands.
 */
export function taskEditControl(ctx, committeeId, task, reload, open = new Map()) {
  if (open.has(task.id)) {
    return open.get(task.id);
  }

  const host = h('div', { class: 'task-edit' });
  const close = () => {
    open.delete(task.id);
    host.replaceChildren(button);
  };
  const button = h('button', {
    type: 'button', class: 'button secondary', dataset: { action: 'edit-task' },
    'aria-label': t('plan.edit.label', { title: task.title }),
    onclick: () => {
      open.set(task.id, host);
      host.replaceChildren(progressForm({ committeeId, taskId: task.id }, task, () => {
        open.delete(task.id);
        reload();
      }, close, { dueDate: true, owners: ownerChoices(ctx, committeeId) }));
      host.querySelector('select')?.focus();
    },
  }, t('plan.edit'));
  host.append(button);
  return host;
}
