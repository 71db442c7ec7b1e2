/** list: the side list of the incidents in view, newest first. */
import { $, el, clear, fmtInt, featureId, isPhone } from './util.js';
import { app } from './context.js';
import { typeOf } from './types.js';
import { selectIncident } from './map.js';
import { LIST_MAX } from './loader.js';
import { showPanel } from './panel.js';

export function renderList(feats, matched) {
  const list = $('list');
  clear(list);
  const sorted = feats.slice().sort((a, b) => {
    const da = (a.properties && a.properties.date) || '', db = (b.properties && b.properties.date) || '';
    if (da !== db) return da < db ? 1 : -1;
    return Number(featureId(b)) - Number(featureId(a));
  });
  const frag = document.createDocumentFragment();
  for (const f of sorted.slice(0, LIST_MAX)) {
    const p = f.properties || {};
    const id = featureId(f);
    const t = typeOf(p.event_type);
    const btn = el('button', { type: 'button', 'data-id': id }, [
      el('span', { class: 'dot t-' + t.key, 'aria-hidden': 'true' }),
      el('span', { class: 'title', text: p.place || p.admin1 || p.country || 'Unknown place' }),
      el('span', { class: 'fat', text: p.fatalities ? '† ' + fmtInt(p.fatalities) : '' }),
      el('span', { class: 'sub', text: [p.date, p.sub_event_type || p.event_type, [p.actor1, p.actor2].filter(Boolean).join(' / ')].filter(Boolean).join(' · ') }),
    ]);
    btn.addEventListener('click', () => {
      // On a phone the panel covers the map: fold it to show the popup.
      if (isPhone()) showPanel(false);
      selectIncident(id, true, feats);
    });
    frag.appendChild(el('li', { 'data-id': id, class: id === app.filters.sel ? 'sel' : '' }, [btn]));
  }
  list.appendChild(frag);
  const total = matched === null ? feats.length : matched;
  let note;
  if (feats.length >= LIST_MAX && total > LIST_MAX) note = '(newest ' + LIST_MAX + ' of ' + fmtInt(total) + ')';
  else if (total > feats.length) note = '(' + fmtInt(feats.length) + ' of ' + fmtInt(total) + ')';
  else note = '(' + fmtInt(total) + ')';
  $('list-note').textContent = note;
  if (!feats.length) list.appendChild(el('li', { class: 'hint', text: 'No incidents match in this view. Zoom out or relax the filters.' }));
}

export function markSelected(id) {
  const rows = $('list').querySelectorAll('li[data-id]');
  for (const row of rows) {
    const on = row.getAttribute('data-id') === id;
    row.classList.toggle('sel', on);
    if (on) {
      // Bring the row into the panel's view without scrolling the page.
      const panel = $('panel'), r = row.getBoundingClientRect(), pr = panel.getBoundingClientRect();
      if (r.top < pr.top || r.bottom > pr.bottom) panel.scrollTop += r.top - pr.top - pr.height / 3;
    }
  }
}
