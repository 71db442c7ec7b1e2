import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeLabels, labelBox, overlaps } from '../static/js/labelplace.js';

const c = (id, kind, population, x, y, w = 40) => ({ id, name: id, kind, population, x, y, w, h: 14 });

test('placeLabels keeps the most important of overlapping labels', () => {
  const got = placeLabels([
    c('town', 'town', 5000, 100, 100),
    c('city', 'city', 500000, 110, 104),
    c('capital', 'capital', 100000, 300, 100),
    c('far town', 'town', 1000, 100, 200),
  ], { width: 800, height: 600 });
  assert.deepEqual(got.map((x) => x.id), ['capital', 'city', 'far town']);
  for (let i = 0; i < got.length; i++) {
    for (let j = i + 1; j < got.length; j++) assert.ok(!overlaps(labelBox(got[i]), labelBox(got[j])), got[i].id + ' overlaps ' + got[j].id);
  }
});

test('placeLabels leaves out labels outside the view, over avoided boxes, repeated or over max', () => {
  const avoid = [{ x0: 0, y0: 0, x1: 200, y1: 50 }];
  const got = placeLabels([
    c('edge', 'city', 9e5, 790, 300),
    c('under country', 'city', 8e5, 50, 20),
    c('a', 'town', 3, 300, 300), c('a', 'town', 3, 500, 500),
    c('b', 'town', 2, 300, 400), c('c', 'town', 1, 300, 500),
  ], { width: 800, height: 600, avoid, max: 2 });
  assert.deepEqual(got.map((x) => x.id), ['a', 'b']);
});

test('a region name is centred on its point', () => {
  const b = labelBox({ kind: 'region', x: 100, y: 100, w: 60, h: 14 });
  assert.ok(b.x0 < 100 && b.x1 > 100 && Math.abs((b.x0 + b.x1) / 2 - 100) < 1e-9);
  const p = labelBox({ kind: 'town', x: 100, y: 100, w: 60, h: 14 });
  assert.ok(p.x0 < 100 && p.x1 > 160);
});

test('a region named like a place is left out', () => {
  const got = placeLabels([
    c('Homs', 'city', 700000, 100, 100),
    { ...c('r1', 'region', 1e6, 400, 300), name: 'Homs' },
    { ...c('r2', 'region', 1e6, 400, 400), name: 'Hama' },
  ], { width: 800, height: 600 });
  assert.deepEqual(got.map((x) => x.name), ['Homs', 'Hama']);
});
