# web.mk: targets for the embedded Leaflet app (web/static).
# Included from the top-level Makefile. Neither target runs during `go build`:
# their output is committed, so a fresh clone builds offline.
#
#   make web-vendor    re-vendor the pinned npm packages into web/static/vendor
#   make web-basemap   regenerate web/static/basemap/countries.json
#   make web-countrynames  regenerate web/static/basemap/names/*.json

LEAFLET_VERSION       := 1.9.4
MARKERCLUSTER_VERSION := 1.5.3
LEAFLET_HEAT_VERSION  := 0.2.0
VECTORGRID_VERSION    := 1.3.0
# Leaflet.VectorGrid.bundled.js holds these packages too (pbf holds ieee754,
# the GeoJSON slicer geojson-vt and topojson-client). The bundle does not say
# which versions it holds: these are versions its package.json allows, and
# only their licence texts are taken, into leaflet.vectorgrid/LICENSE.
VECTORGRID_BUNDLED    := vector-tile@1.3.0 point-geometry@0.0.0 pbf@3.0.4 ieee754@1.1.8 whatwg-fetch@2.0.3 geojson-vt@2.2.0 topojson-client@2.1.0
WORLD_ATLAS_VERSION   := 2.0.2
WEB_VENDOR_DIR        := web/static/vendor
WEB_BASEMAP_OUT       := web/static/basemap/countries.json
# 50m gives recognisable coastlines at country zoom and stays under ~1.5 MB.
WEB_BASEMAP_SCALE     := 50m
# The country names in other languages (web/static/basemap/names).
I18N_COUNTRIES_VERSION := 7.14.0

.PHONY: web-vendor web-basemap web-countrynames

web-vendor:
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	( cd "$$tmp" && npm pack --silent leaflet@$(LEAFLET_VERSION) leaflet.markercluster@$(MARKERCLUSTER_VERSION) leaflet.heat@$(LEAFLET_HEAT_VERSION) \
		leaflet.vectorgrid@$(VECTORGRID_VERSION) $(VECTORGRID_BUNDLED) >/dev/null ); \
	for p in leaflet-$(LEAFLET_VERSION) leaflet.markercluster-$(MARKERCLUSTER_VERSION) leaflet.heat-$(LEAFLET_HEAT_VERSION) \
		leaflet.vectorgrid-$(VECTORGRID_VERSION) $(subst @,-,$(VECTORGRID_BUNDLED)); do \
		mkdir -p "$$tmp/$$p" && tar -xzf "$$tmp/$$p.tgz" -C "$$tmp/$$p"; \
	done; \
	d=$(WEB_VENDOR_DIR); rm -rf "$$d/leaflet" "$$d/leaflet.markercluster" "$$d/leaflet.heat" "$$d/leaflet.vectorgrid"; \
	mkdir -p "$$d/leaflet/images" "$$d/leaflet.markercluster" "$$d/leaflet.heat" "$$d/leaflet.vectorgrid"; \
	s="$$tmp/leaflet-$(LEAFLET_VERSION)/package"; \
	cp "$$s/dist/leaflet.js" "$$s/dist/leaflet.js.map" "$$s/dist/leaflet.css" "$$s/LICENSE" "$$d/leaflet/"; \
	cp "$$s/dist/images/"*.png "$$d/leaflet/images/"; \
	s="$$tmp/leaflet.markercluster-$(MARKERCLUSTER_VERSION)/package"; \
	cp "$$s/dist/leaflet.markercluster.js" "$$s/dist/leaflet.markercluster.js.map" "$$s/dist/MarkerCluster.css" "$$s/dist/MarkerCluster.Default.css" "$$s/MIT-LICENCE.txt" "$$d/leaflet.markercluster/"; \
	s="$$tmp/leaflet.heat-$(LEAFLET_HEAT_VERSION)/package"; \
	cp "$$s/dist/leaflet-heat.js" "$$s/LICENSE" "$$d/leaflet.heat/"; \
	s="$$tmp/leaflet.vectorgrid-$(VECTORGRID_VERSION)/package"; \
	cp "$$s/dist/Leaflet.VectorGrid.bundled.js" "$$s/dist/Leaflet.VectorGrid.bundled.js.map" "$$d/leaflet.vectorgrid/"; \
	{ echo "Leaflet.VectorGrid $(VECTORGRID_VERSION) (from its README):"; echo; \
	  sed -n '/^"THE BEER-WARE LICENSE"/,/buy me a beer/p' "$$s/README.md"; echo; \
	  echo "Leaflet.VectorGrid.bundled.js also holds the following packages, under their own licences."; \
	  for p in $(VECTORGRID_BUNDLED); do \
		echo; echo "==== $$p"; echo; \
		l=$$(ls "$$tmp/$$(echo $$p | tr @ -)/package/" | grep -i '^licen' | head -n 1); \
		if [ -n "$$l" ]; then cat "$$tmp/$$(echo $$p | tr @ -)/package/$$l"; \
		else echo "License: $$(sed -n 's/.*"license": *"\([^"]*\)".*/\1/p' "$$tmp/$$(echo $$p | tr @ -)/package/package.json") (from its package.json; the package has no licence file)"; fi; \
	  done; } > "$$d/leaflet.vectorgrid/LICENSE"; \
	find "$$d" -type f -exec chmod 644 {} +; \
	echo "vendored leaflet@$(LEAFLET_VERSION) leaflet.markercluster@$(MARKERCLUSTER_VERSION) leaflet.heat@$(LEAFLET_HEAT_VERSION) leaflet.vectorgrid@$(VECTORGRID_VERSION) into $$d"

web-basemap:
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	( cd "$$tmp" && npm pack --silent world-atlas@$(WORLD_ATLAS_VERSION) >/dev/null ); \
	tar -xzf "$$tmp/world-atlas-$(WORLD_ATLAS_VERSION).tgz" -C "$$tmp"; \
	mkdir -p $(dir $(WEB_BASEMAP_OUT)); \
	cp "$$tmp/package/LICENSE" $(dir $(WEB_BASEMAP_OUT))LICENSE-world-atlas.txt; \
	go run ./web/internal/genbasemap -in "$$tmp/package/countries-$(WEB_BASEMAP_SCALE).json" -out $(WEB_BASEMAP_OUT)

# Run after web-basemap: only the base map's countries get names.
web-countrynames:
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	( cd "$$tmp" && npm pack --silent i18n-iso-countries@$(I18N_COUNTRIES_VERSION) >/dev/null ); \
	tar -xzf "$$tmp/i18n-iso-countries-$(I18N_COUNTRIES_VERSION).tgz" -C "$$tmp"; \
	cp "$$tmp/package/LICENSE" $(dir $(WEB_BASEMAP_OUT))LICENSE-i18n-iso-countries.txt; \
	rm -rf $(dir $(WEB_BASEMAP_OUT))names; \
	go run ./web/internal/gencountrynames -package "$$tmp/package" -basemap $(WEB_BASEMAP_OUT) -out $(dir $(WEB_BASEMAP_OUT))names

# The map's JavaScript: ESLint and the node --test unit tests (web/jstest).
# Both are dev-only npm tools pinned in package.json / package-lock.json;
# `npm ci` installs them into node_modules (not committed). The unit tests
# also run in `go test ./web` when node is installed.
.PHONY: lint js-test
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

lint: node_modules/.package-lock.json
	npx --no-install eslint web/static/js web/jstest eslint.config.js

js-test:
	node --test web/jstest/
