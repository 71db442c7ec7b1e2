-- 0015: listings ordered by fatalities (sortby=fatalities or -fatalities,
-- id breaking ties in the same direction) walk this index instead of
-- sorting every match for each page; a missing count sorts as -1.
CREATE INDEX incidents_fatalities_order ON incidents (coalesce(fatalities, -1), id);
