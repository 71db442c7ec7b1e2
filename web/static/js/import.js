/** import: importing a file (picked or dropped on the map) through /api/incidents/import. */
import { $, el, clear, fmtInt, showStatus } from './util.js';
import { api } from './api.js';
import { app } from './context.js';
import { dataChanged } from './editor.js';
import { openReportFile } from './report.js';

function contentTypeFor(name) {
  const n = name.toLowerCase();
  if (/\.ndjson$|\.jsonl$/.test(n)) return 'application/x-ndjson';
  if (/\.geojson$/.test(n)) return 'application/geo+json';
  if (/\.csv$/.test(n)) return 'text/csv';
  return 'application/json';
}

async function importFile(file) {
  if (!app.config.writable) { showStatus('This server is read-only: import is disabled.', true); return; }
  if (!/\.(json|ndjson|jsonl|geojson|csv)$/i.test(file.name)) {
    showStatus('Unsupported file type: use .json, .ndjson, .geojson or .csv (or .txt, .html for a report).', true);
    return;
  }
  showStatus('Importing ' + file.name + '…', false, true);
  try {
    const r = await api('POST', '/api/incidents/import', { body: file, headers: { 'Content-Type': contentTypeFor(file.name) } });
    showStatus('');
    showImportResult(file.name, r.body || {}, null);
    dataChanged();
  } catch (err) {
    showStatus('');
    showImportResult(file.name, null, err);
  }
}

function showImportResult(name, res, err) {
  const body = $('import-body');
  clear(body);
  body.appendChild(el('p', null, ['File: ', el('b', { text: name })]));
  if (err) {
    body.appendChild(el('p', { class: 'err', text: 'Import failed: ' + err.message + (err.field ? ' (' + err.field + ')' : '') }));
    if (err.status === 401) $('token-row').hidden = false;
  }
  if (res) {
    const t = el('table', { class: 'result' });
    const hr = el('tr'), dr = el('tr');
    for (const k of ['received', 'inserted', 'updated', 'rejected']) {
      hr.appendChild(el('th', { scope: 'col', text: k }));
      dr.appendChild(el('td', { text: fmtInt(res[k]) }));
    }
    t.appendChild(el('thead', null, [hr]));
    t.appendChild(el('tbody', null, [dr]));
    body.appendChild(t);
    const errs = Array.isArray(res.errors) ? res.errors : [];
    if (errs.length) {
      body.appendChild(el('h3', { text: 'Rejected records (' + fmtInt(errs.length) + ')' }));
      const et = el('table', { class: 'result' });
      const h = el('tr');
      for (const k of ['#', 'source_id', 'field', 'error']) h.appendChild(el('th', { scope: 'col', text: k }));
      et.appendChild(el('thead', null, [h]));
      const tb = el('tbody');
      for (const x of errs.slice(0, 500)) {
        tb.appendChild(el('tr', null, [
          el('td', { text: x.index === undefined ? '' : String(x.index) }),
          el('td', { text: x.source_id || '' }),
          el('td', { text: x.field || '' }),
          el('td', { text: x.error || '' }),
        ]));
      }
      et.appendChild(tb);
      body.appendChild(et);
      if (errs.length > 500) body.appendChild(el('p', { class: 'hint', text: 'Only the first 500 errors are shown.' }));
    }
  }
  const d = $('import-dialog');
  if (typeof d.showModal === 'function') { if (!d.open) d.showModal(); } else d.setAttribute('open', '');
}

/** dropped handles a file dropped on the map: a report (.txt, .html) or data to import. */
function dropped(f) {
  if (/\.(txt|html?|text)$/i.test(f.name)) openReportFile(f);
  else importFile(f);
}

export function initDrop() {
  const wrap = document.querySelector('.map-wrap'), drop = $('drop');
  let depth = 0;
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
  wrap.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    drop.hidden = false;
  });
  wrap.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  wrap.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) drop.hidden = true;
  });
  wrap.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    drop.hidden = true;
    const f = e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) dropped(f);
  });
  $('import-file').addEventListener('change', (e) => {
    const f = e.target.files && e.target.files[0];
    if (f) importFile(f);
    e.target.value = '';
  });
}
