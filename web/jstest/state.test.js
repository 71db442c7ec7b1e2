import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseHash, formatHash, filterParams, emptyFilters, labelLanguage, stepWindow, firstWindow, clampWindow, playStart, playWindows,
  addDays, addMonths, daysBetween, lastOfMonth, isDate, wrapLon,
} from '../static/js/state.js';
import { buildTypes } from '../static/js/types.js';

const types = buildTypes(['Battles', 'Protests', 'Riots'], { Battles: '#D55E00', Protests: '#0072B2' }, ['Looting']);

test('parseHash reads the view and every filter', () => {
  const { view, filters } = parseHash('#map=7/35.12/38.8&from=2016-09-01&to=2016-09-30&types=battles,other&actor=Syria&q=convoy&minf=3&heat=1&sel=42&step=week');
  assert.deepEqual(view, { z: 7, lat: 35.12, lon: 38.8 });
  assert.equal(filters.from, '2016-09-01');
  assert.equal(filters.to, '2016-09-30');
  assert.deepEqual([...filters.types], ['battles', 'other']);
  assert.equal(filters.actor, 'Syria');
  assert.equal(filters.q, 'convoy');
  assert.equal(filters.minf, '3');
  assert.equal(filters.heat, true);
  assert.equal(filters.sel, '42');
  assert.equal(filters.step, 'week');
});

test('parseHash drops malformed values', () => {
  const cases = [
    ['#map=7/x/3', (r) => r.view === null],
    ['#from=2016-02-30', (r) => r.filters.from === ''],
    ['#to=yesterday', (r) => r.filters.to === ''],
    ['#minf=-3', (r) => r.filters.minf === ''],
    ['#sel=1%3Cscript', (r) => r.filters.sel === ''],
    ['#step=year', (r) => r.filters.step === 'month'],
    ['', (r) => r.view === null && r.filters.types === null],
  ];
  for (const [hash, ok] of cases) assert.ok(ok(parseHash(hash)), 'hash ' + hash);
});

test('formatHash and parseHash round-trip', () => {
  const f = { ...emptyFilters(), from: '2016-01-01', to: '2016-01-31', types: new Set(['protests', 'battles']), q: 'a b&c', step: 'day' };
  const h = formatHash(f, { z: 9, lat: 35.123456, lon: 398.5 });
  assert.match(h, /^#map=9\/35\.1235\/38\.5000&/);
  assert.match(h, /types=battles,protests/);
  const back = parseHash(h);
  assert.deepEqual(back.view, { z: 9, lat: 35.1235, lon: 38.5 });
  assert.equal(back.filters.q, 'a b&c');
  assert.equal(back.filters.step, 'day');
  assert.deepEqual([...back.filters.types].sort(), ['battles', 'protests']);
  assert.equal(formatHash(emptyFilters(), null), '#');
});

test('wrapLon', () => {
  for (const [in_, want] of [[0, 0], [190, -170], [-190, 170], [180, 180], [-180, -180], [540, 180]]) {
    assert.equal(wrapLon(in_), want, 'lon ' + in_);
  }
});

test('filterParams', () => {
  const cases = [
    [{}, ''],
    [{ from: '2016-01-01', minf: '2.7' }, 'from=2016-01-01&min_fatalities=2'],
    [{ minf: '0' }, ''],
    [{ types: new Set(['battles']) }, 'event_type=Battles'],
    // "Other" stands for the types without a colour, configured or found in the data.
    [{ types: new Set(['other']) }, 'event_type=Riots%2CLooting'],
    [{ types: new Set() }, 'event_type=%28none%29'],
    [{ actor: 'Islamic State', q: 'convoy' }, 'actor=Islamic+State&q=convoy'],
  ];
  for (const [edit, want] of cases) {
    assert.equal(filterParams({ ...emptyFilters(), ...edit }, types).toString(), want, JSON.stringify(edit));
  }
});

test('date arithmetic', () => {
  assert.equal(addDays('2016-02-28', 1), '2016-02-29');
  assert.equal(addDays('2016-03-01', -1), '2016-02-29');
  assert.equal(addMonths('2016-01-31', 1), '2016-02-29');
  assert.equal(addMonths('2016-03-31', -13), '2015-02-28');
  assert.equal(daysBetween('2016-01-01', '2017-01-01'), 366);
  assert.equal(lastOfMonth('2015-02-10'), '2015-02-28');
  assert.equal(isDate('2016-02-29'), true);
  assert.equal(isDate('2015-02-29'), false);
});

test('stepWindow', () => {
  const min = '2016-01-05', max = '2016-12-20';
  const cases = [
    // name, window, step, dir, want
    ['a day', { from: '2016-03-01', to: '2016-03-01' }, 'day', 1, { from: '2016-03-02', to: '2016-03-02' }],
    ['a week keeps the length', { from: '2016-03-01', to: '2016-03-10' }, 'week', 1, { from: '2016-03-08', to: '2016-03-17' }],
    ['a whole month stays whole', { from: '2016-02-01', to: '2016-02-29' }, 'month', 1, { from: '2016-03-01', to: '2016-03-31' }],
    ['back a whole month', { from: '2016-03-01', to: '2016-03-31' }, 'month', -1, { from: '2016-02-01', to: '2016-02-29' }],
    ['two whole months', { from: '2016-01-01', to: '2016-02-29' }, 'month', 1, { from: '2016-02-01', to: '2016-03-31' }],
    ['part of a month', { from: '2016-01-15', to: '2016-01-31' }, 'month', 1, { from: '2016-02-15', to: '2016-02-29' }],
    ['past the end', { from: '2016-12-20', to: '2016-12-20' }, 'day', 1, null],
    ['before the start', { from: '2016-01-01', to: '2016-01-04' }, 'day', -1, null],
    ['open window forward', { from: '', to: '' }, 'week', 1, { from: min, to: '2016-01-11' }],
    ['open window back', { from: '', to: '' }, 'day', -1, { from: max, to: max }],
    ['swapped ends', { from: '2016-03-10', to: '2016-03-01' }, 'day', 1, { from: '2016-03-02', to: '2016-03-11' }],
  ];
  for (const [name, w, step, dir, want] of cases) assert.deepEqual(stepWindow(w, step, dir, min, max), want, name);
});

test('firstWindow and clampWindow', () => {
  assert.deepEqual(firstWindow('month', '2016-01-05', '2016-12-20'), { from: '2016-01-01', to: '2016-01-31' });
  assert.deepEqual(firstWindow('week', '2016-12-18', '2016-12-20'), { from: '2016-12-18', to: '2016-12-20' });
  assert.deepEqual(clampWindow('2015-12-30', '2016-01-09', '2016-01-01', '2016-12-31'), { from: '2016-01-01', to: '2016-01-11' });
  assert.deepEqual(clampWindow('2016-12-30', '2017-01-09', '2016-01-01', '2016-12-31'), { from: '2016-12-21', to: '2016-12-31' });
  assert.deepEqual(clampWindow('2015-01-01', '2018-01-01', '2016-01-01', '2016-12-31'), { from: '2016-01-01', to: '2016-12-31' });
});

test('playStart and playWindows', () => {
  const min = '2016-01-05', max = '2016-12-20';
  assert.deepEqual(playStart({ from: '', to: '' }, 'month', min, max), { from: '2016-01-01', to: '2016-01-31' }, 'open window');
  assert.deepEqual(playStart({ from: '2016-03-01', to: '2016-03-31' }, 'month', min, max), { from: '2016-03-01', to: '2016-03-31' }, 'from the window');
  assert.deepEqual(playStart({ from: '2016-12-01', to: '2016-12-31' }, 'month', min, max), { from: '2016-01-01', to: '2016-01-31' }, 'at the end, by month');
  assert.deepEqual(playStart({ from: '2016-12-20', to: '2016-12-26' }, 'day', min, max), { from: min, to: '2016-01-11' }, 'at the end, by day');
  const months = playWindows({ from: '2016-01-01', to: '2016-01-31' }, 'month', min, max);
  assert.equal(months.length, 12);
  assert.deepEqual(months[1], { from: '2016-02-01', to: '2016-02-29' });
  assert.deepEqual(months[11], { from: '2016-12-01', to: '2016-12-31' });
  const weeks = playWindows({ from: '2016-12-01', to: '2016-12-07' }, 'week', min, max);
  assert.deepEqual(weeks.map((w) => w.from), ['2016-12-01', '2016-12-08', '2016-12-15']);
  assert.equal(playWindows({ from: min, to: min }, 'day', min, max, 10).length, 10, 'limit');
});

test('labelLanguage: the link, else the browser; English and bad tags ask for GeoNames names', () => {
  assert.equal(labelLanguage('ar', 'en-US'), 'ar');
  assert.equal(labelLanguage('', 'fr-CH'), 'fr-CH');
  assert.equal(labelLanguage('', 'en-US'), '');
  assert.equal(labelLanguage('en', 'ar'), '');
  assert.equal(labelLanguage('a b', ''), '');
  assert.equal(labelLanguage('', undefined), '');
  assert.equal(labelLanguage('zh-Hans-CN', ''), 'zh-Hans-CN');
});

test('lang round-trips through the hash; a malformed one is dropped', () => {
  assert.equal(parseHash('#lang=ar').filters.lang, 'ar');
  assert.equal(parseHash('#lang=a%20b').filters.lang, '');
  assert.equal(formatHash({ ...emptyFilters(), lang: 'pt-BR' }, null), '#lang=pt-BR');
});
