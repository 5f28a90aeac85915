// Live feed on the home page: Server-Sent Events from /api/v1/events/stream (reconnects and resumes itself).
(function () {
  const zone = (document.querySelector('meta[name="peel-timezone"]') || {}).content || "Europe/London";
  const feed = document.getElementById("live-feed");
  const state = document.getElementById("live-state");
  if (!feed || !window.EventSource) return;
  const source = new EventSource("/api/v1/events/stream");
  const describe = (e) => {
    const p = e.payload || {};
    if (e.name === "UnitStatusChanged") return `${p.callsign}: ${p.from} → ${p.to}`;
    if (e.object_type === "incident") return `${e.name.replace("Incident", "Incident ")} ${p.ref} ${p.category || ""} ${p.grade || ""}`;
    return `${e.name} ${e.object_id}`;
  };
  const add = (msg) => {
    const data = JSON.parse(msg.data);
    const li = document.createElement("li");
    li.dataset.event = data.name;
    li.textContent = `${new Date(data.occurred_at).toLocaleTimeString("en-GB", { timeZone: zone })} · ${describe(data)}`;
    feed.prepend(li);
    while (feed.children.length > 50) feed.removeChild(feed.lastChild);
  };
  ["IncidentCreated", "IncidentUpdated", "UnitStatusChanged", "CaseOpened", "CaseShared"].forEach((n) => source.addEventListener(n, add));
  // The server could not tell exactly what was missed while away (pruned, or too much): start again from now.
  source.addEventListener("reset", () => { source.close(); window.location.reload(); });
  // The session ended (signed out elsewhere, deactivated, expired): stop listening and sign in again.
  source.addEventListener("signed-out", () => { source.close(); window.location.assign("/login"); });
  source.onopen = () => { state.textContent = "connected"; state.dataset.state = "connected"; };
  source.onerror = () => { state.textContent = "reconnecting…"; state.dataset.state = "reconnecting"; };
})();
