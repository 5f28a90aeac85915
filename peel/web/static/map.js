// The force map: Leaflet with the road network as the base layer (no tile server), plus stations, units, incidents.
// Tooltips get an element holding text: Leaflet puts a string in as HTML, and labels come from records.
(async function () {
  const label = (text) => { const span = document.createElement("span"); span.textContent = String(text); return span; };
  const el = document.getElementById("map");
  if (!el || !window.L) { if (el) el.textContent = "The map library is not installed (run make install)."; return; }
  const map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 });
  const get = async (url) => { const r = await fetch(url, { credentials: "same-origin" }); if (!r.ok) throw new Error(url); return r.json(); };
  const roadStyle = (f) => {
    const h = f.properties.highway || "";
    const major = /primary|trunk|secondary/.test(h);
    return { color: major ? "#e8a33d" : "#8a8f98", weight: major ? 3 : 1.2, opacity: 0.9 };
  };
  try {
    const [roads, overlay] = await Promise.all([get("/api/v1/map/roads"), get("/api/v1/map/overlay")]);
    const base = L.geoJSON(roads, { style: roadStyle, interactive: false }).addTo(map);
    map.fitBounds(base.getBounds());
    L.geoJSON(overlay, {
      style: (f) => f.properties.kind === "boundary" ? { color: "#12436d", weight: 2, fill: false, dashArray: "6 4" } : {},
      pointToLayer: (f, latlng) => {
        const k = f.properties.kind;
        const colour = k === "station" ? "#12436d" : k === "unit" ? "#1b6e3a" : "#b3261e";
        return L.circleMarker(latlng, { radius: k === "station" ? 8 : 6, color: colour, fillColor: colour, fillOpacity: 0.85, weight: 1 });
      },
      onEachFeature: (f, layer) => { if (f.properties.label) layer.bindTooltip(label(f.properties.label)); },
    }).addTo(map);
    el.dataset.loaded = String(roads.features.length);
  } catch (err) {
    el.textContent = "The map could not be loaded: " + err.message;
  }
})();
