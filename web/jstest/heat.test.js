import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatData } from '../static/js/heat.js';

test('heatData turns cells into leaflet.heat points, latitude first', () => {
  const got = heatData([[36.3, 33.5, 7, 2], [38.9, 35.3, 1, 0]]);
  assert.deepEqual(got.latlngs, [[33.5, 36.3, 7], [35.3, 38.9, 1]]);
});

test('heatData scales to the 95th percentile of the weights, not the largest', () => {
  // 99 villages of one to five incidents and one city of 10,000.
  const cells = [];
  for (let i = 0; i < 99; i++) cells.push([i / 10, i / 10, 1 + (i % 5), 0]);
  cells.push([40, 35, 10000, 50]);
  const got = heatData(cells);
  assert.equal(got.latlngs.length, 100);
  assert.equal(got.max, 5);
});

test('heatData leaves out empty and malformed cells', () => {
  const got = heatData([[1, 2, 0, 0], [1, 2], null, 'x', [3, 4, 'n'], [5, 6, 2]]);
  assert.deepEqual(got.latlngs, [[6, 5, 2]]);
  assert.equal(got.max, 2);
  assert.deepEqual(heatData(undefined), { latlngs: [], max: 1 });
  assert.deepEqual(heatData([]), { latlngs: [], max: 1 });
});
