# web.mk: targets for the embedded Leaflet app (web/static).
# Included from the top-level Makefile. Neither target runs during `go build`:
# their output is committed, so a fresh clone builds offline.
#
#   make web-vendor    re-vendor the pinned npm packages into web/static/vendor
#   make web-basemap   regenerate web/static/basemap/countries.json

LEAFLET_VERSION       := 1.9.4
MARKERCLUSTER_VERSION := 1.5.3
LEAFLET_HEAT_VERSION  := 0.2.0
WORLD_ATLAS_VERSION   := 2.0.2
WEB_VENDOR_DIR        := web/static/vendor
WEB_BASEMAP_OUT       := web/static/basemap/countries.json
# 50m gives recognisable coastlines at country zoom and stays under ~1.5 MB.
WEB_BASEMAP_SCALE     := 50m

.PHONY: web-vendor web-basemap

web-vendor:
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	( cd "$$tmp" && npm pack --silent leaflet@$(LEAFLET_VERSION) leaflet.markercluster@$(MARKERCLUSTER_VERSION) leaflet.heat@$(LEAFLET_HEAT_VERSION) >/dev/null ); \
	for p in leaflet-$(LEAFLET_VERSION) leaflet.markercluster-$(MARKERCLUSTER_VERSION) leaflet.heat-$(LEAFLET_HEAT_VERSION); do \
		mkdir -p "$$tmp/$$p" && tar -xzf "$$tmp/$$p.tgz" -C "$$tmp/$$p"; \
	done; \
	d=$(WEB_VENDOR_DIR); rm -rf "$$d/leaflet" "$$d/leaflet.markercluster" "$$d/leaflet.heat"; \
	mkdir -p "$$d/leaflet/images" "$$d/leaflet.markercluster" "$$d/leaflet.heat"; \
	s="$$tmp/leaflet-$(LEAFLET_VERSION)/package"; \
	cp "$$s/dist/leaflet.js" "$$s/dist/leaflet.js.map" "$$s/dist/leaflet.css" "$$s/LICENSE" "$$d/leaflet/"; \
	cp "$$s/dist/images/"*.png "$$d/leaflet/images/"; \
	s="$$tmp/leaflet.markercluster-$(MARKERCLUSTER_VERSION)/package"; \
	cp "$$s/dist/leaflet.markercluster.js" "$$s/dist/leaflet.markercluster.js.map" "$$s/dist/MarkerCluster.css" "$$s/dist/MarkerCluster.Default.css" "$$s/MIT-LICENCE.txt" "$$d/leaflet.markercluster/"; \
	s="$$tmp/leaflet.heat-$(LEAFLET_HEAT_VERSION)/package"; \
	cp "$$s/dist/leaflet-heat.js" "$$s/LICENSE" "$$d/leaflet.heat/"; \
	find "$$d" -type f -exec chmod 644 {} +; \
	echo "vendored leaflet@$(LEAFLET_VERSION) leaflet.markercluster@$(MARKERCLUSTER_VERSION) leaflet.heat@$(LEAFLET_HEAT_VERSION) into $$d"

web-basemap:
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	( cd "$$tmp" && npm pack --silent world-atlas@$(WORLD_ATLAS_VERSION) >/dev/null ); \
	tar -xzf "$$tmp/world-atlas-$(WORLD_ATLAS_VERSION).tgz" -C "$$tmp"; \
	mkdir -p $(dir $(WEB_BASEMAP_OUT)); \
	cp "$$tmp/package/LICENSE" $(dir $(WEB_BASEMAP_OUT))LICENSE-world-atlas.txt; \
	go run ./web/internal/genbasemap -in "$$tmp/package/countries-$(WEB_BASEMAP_SCALE).json" -out $(WEB_BASEMAP_OUT)
