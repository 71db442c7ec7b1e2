# make eval-extract: mapd extract's scores on the team's own article corpus
# (extract/testdata/articles, dev and test splits) and, when
# ../shared/geoparse exists, toponym spans and acc@161 end to end on
# TR-News, LGL and GeoVirus (read in place, never copied). Included from
# the top-level Makefile.

.PHONY: eval-extract
eval-extract:
	$(GO) run ./extract/internal/eval
