// Workspace maps: dataset events and hexagons, forecast hotspot cells, patrol cells. Leaflet with no tile server:
// the force's road network (/api/v1/map/roads) is the base layer wherever it overlaps the data.
// Tooltips get an element holding text, never a string: Leaflet puts a string in as HTML, and crime types come
// from uploaded files.
(async function () {
  const label = (text) => { const span = document.createElement("span"); span.textContent = String(text); return span; };
  const el = document.getElementById("map");
  if (!el || !window.L) { if (el) el.textContent = "The map library is not installed (run make install)."; return; }
  const layers = JSON.parse(el.dataset.layers || "[]");
  const map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 });
  const get = async (url) => { const r = await fetch(url, { credentials: "same-origin" }); if (!r.ok) throw new Error(url + " " + r.status); return r.json(); };
  // A layer computed by a job (an aggregate): submit it, poll the job API each second, draw its result.
  const viaJob = async (url) => {
    const r = await fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": el.dataset.csrf || "" } });
    if (!r.ok) throw new Error(url + " " + r.status);
    let job = await r.json();
    while (job.status === "queued" || job.status === "running") {
      el.dataset.job = String(job.id);
      await new Promise((done) => setTimeout(done, 1000));
      job = await get(job.url);
    }
    if (job.status !== "succeeded") throw new Error(job.error || job.status);
    return job.result;
  };
  const ramp = (share) => share > 0.66 ? "#b3261e" : share > 0.33 ? "#e8743d" : "#f2b84b";

  function draw(kind, data) {
    if (kind === "tasks") {
      const group = L.featureGroup(data.map((t) => L.polygon(t.outline, { color: "#1d70b8", weight: 2, fillOpacity: 0.3 })
        .bindTooltip(label("Cell " + t.number), { permanent: data.length <= 12, direction: "center" })));
      return [group, data.length];
    }
    const feats = data.features || [];
    if (kind === "hexes") {
      const max = Math.max(1, ...feats.map((f) => f.properties.count));
      return [L.geoJSON(data, { style: (f) => ({ color: "#8a5a00", weight: 0.5, fillColor: ramp(f.properties.count / max), fillOpacity: 0.45 }),
        onEachFeature: (f, l) => l.bindTooltip(label(f.properties.count + " events")) }), feats.length];
    }
    if (kind === "events") {
      return [L.geoJSON(data, { pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 2.5, color: "#12436d", weight: 0, fillOpacity: 0.7 }),
        onEachFeature: (f, l) => l.bindTooltip(label(f.properties.type + ", " + f.properties.date)) }), feats.length];
    }
    const n = Math.max(1, feats.length);
    return [L.geoJSON(data, { style: (f) => ({ color: "#7a1610", weight: 1, fillColor: ramp(1 - (f.properties.rank - 1) / n), fillOpacity: 0.6 }),
      onEachFeature: (f, l) => l.bindTooltip(label("Rank " + f.properties.rank + " · expected " + f.properties.score.toFixed(3))) }), feats.length];
  }

  try {
    let bounds = null; let drawn = 0;
    for (const layer of layers) {
      const [group, count] = draw(layer.kind, layer.job ? await viaJob(layer.job) : await get(layer.url));
      group.addTo(map);
      drawn += count;
      if (count) bounds = bounds ? bounds.extend(group.getBounds()) : L.latLngBounds(group.getBounds().getSouthWest(), group.getBounds().getNorthEast());
    }
    if (bounds) map.fitBounds(bounds.pad(0.1)); else map.setView([51.5, -0.13], 12);
    el.dataset.loaded = String(drawn);
    const roadStyle = (f) => /primary|trunk|secondary/.test(f.properties.highway || "") ? { color: "#e8a33d", weight: 2.5, opacity: 0.8 } : { color: "#9aa0a8", weight: 1, opacity: 0.8 };
    get("/api/v1/map/roads").then((roads) => {
      const base = L.geoJSON(roads, { style: roadStyle, interactive: false });
      if (!bounds || base.getBounds().intersects(bounds)) { base.addTo(map); base.bringToBack(); el.dataset.roads = "1"; }
    }).catch(() => { el.dataset.roads = "0"; });
  } catch (err) {
    el.textContent = "The map could not be loaded: " + err.message;
  }
})();
