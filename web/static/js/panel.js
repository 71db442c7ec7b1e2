/** panel: the side panel, folded away at start on a phone. */
import { $, isPhone } from './util.js';
import { app } from './context.js';

export function showPanel(on) {
  $('panel').classList.toggle('collapsed', !on);
  $('panel-toggle').setAttribute('aria-expanded', String(on));
  if (app.map) setTimeout(() => app.map.invalidateSize(), 0);
}

export function initPanel() {
  if (isPhone()) showPanel(false);
  $('panel-toggle').addEventListener('click', () => showPanel($('panel').classList.contains('collapsed')));
}
