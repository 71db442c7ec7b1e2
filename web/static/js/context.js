/**
 * context: what the map's modules share. Each module keeps its own state;
 * this holds only what several of them read: the server's configuration,
 * the filters (mirrored in the URL) and the Leaflet map.
 */
import { emptyFilters } from './state.js';

export const app = {
  /** config is /api/config. */
  config: { writable: false, auth_required: false, tiles_url: '', tiles_attribution: '', tile_threshold: 0, event_types: [], event_colors: {} },
  /** filters are the map's filters (see state.js). */
  filters: emptyFilters(),
  /** range is the data's date range {min, max} from /api/stats. */
  range: { min: '', max: '' },
  /** map is the Leaflet map, once made. */
  map: null,
};
