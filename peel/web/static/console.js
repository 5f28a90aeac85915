// Call-handler console: live caller look-up while typing, save the call, THRIVE proposal, grade, resolve.
(function () {
  const zone = (document.querySelector('meta[name="peel-timezone"]') || {}).content || "Europe/London";
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const api = async (method, url, body) => {
    const r = await fetch(url, { method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const data = r.status === 204 ? null : await r.json();
    if (!r.ok) throw new Error(data && data.detail ? data.detail : r.statusText);
    return data;
  };
  const rejected = new Set();
  let confirmed = null, incident = null, proposal = null, timer = null, seq = 0;

  const counter = async () => {
    try { $("averted-count").textContent = (await api("GET", "/api/v1/contact/dashboard?days=28")).deployments_averted; }
    catch (e) { $("averted-count").textContent = "?"; }
  };

  const renderLookup = (data) => {
    $("flags").innerHTML = data.flags.map((f) => `<span class="flag ${esc(f.kind)}" data-flag="${esc(f.kind)}" title="${esc(f.reason)}">${esc(f.kind.replace(/_/g, " "))}: ${esc(f.reason)}</span>`).join("");
    $("matches").innerHTML = data.matches.map((m) => `<div class="match" data-ref="${esc(m.person_ref)}">
      <strong><a href="/people/${esc(m.person_ref)}" target="_blank">${esc(m.name)}</a></strong> ${m.date_of_birth ? esc(m.date_of_birth.split("-").reverse().join("/")) : ""}
      <span class="pill">${Math.round(m.score * 100)}%</span> ${m.markers.map((k) => `<span class="marker warning">${esc(k)}</span>`).join(" ")}
      <div class="small muted">${m.basis.map(esc).join(" · ")}</div>
      <button type="button" class="small confirm">${confirmed === m.person_ref ? "Confirmed ✔" : "This is the caller"}</button>
      <button type="button" class="small reject">Not the caller</button></div>`).join("") || '<p class="muted">No matching person.</p>';
    $("history").innerHTML = data.history.map((h) => `<tr><td class="when">${new Date(h.received_at).toLocaleString("en-GB", { dateStyle: "short", timeStyle: "short", timeZone: zone })}</td>
      <td><a href="/incidents/${esc(h.incident_ref)}" target="_blank">${esc(h.incident_ref)}</a>${h.role === "victim" ? " (victim)" : ""}</td>
      <td>${esc(h.category)}</td><td>${esc(h.grade || "")}</td><td>${esc(h.outcome.replace(/_/g, " "))}</td></tr>`).join("") || '<tr><td colspan="5" class="muted">No previous contact.</td></tr>';
    document.querySelectorAll(".match .confirm").forEach((b) => b.addEventListener("click", () => { confirmed = b.closest(".match").dataset.ref; lookupNow(); }));
    document.querySelectorAll(".match .reject").forEach((b) => b.addEventListener("click", () => { rejected.add(b.closest(".match").dataset.ref); b.closest(".match").remove(); }));
    $("caller").dataset.ready = String(++seq);
  };

  const lookupNow = async () => {
    const params = new URLSearchParams();
    for (const [id, key] of [["phone", "phone"], ["forenames", "forenames"], ["surname", "surname"], ["dob", "date_of_birth"], ["lat", "lat"], ["lon", "lon"]]) {
      const v = $(id).value.trim(); if (v) params.set(key, v);
    }
    if (![...params.keys()].some((k) => ["phone", "surname", "date_of_birth"].includes(k))) return;
    try { renderLookup(await api("GET", "/api/v1/contacts/lookup?" + params)); $("call-error").textContent = ""; }
    catch (e) { $("call-error").textContent = e.message; }
  };
  ["phone", "forenames", "surname", "dob", "lat", "lon"].forEach((id) => $(id).addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(lookupNow, 200); }));

  $("call").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const loc = $("lat").value && $("lon").value ? { address: $("address").value || "Location given by caller", postcode: $("postcode").value || null, lat: Number($("lat").value), lon: Number($("lon").value) } : null;
    const body = { channel: document.querySelector('input[name="channel"]:checked').value, text: $("text").value, category: $("category").value,
      caller: { phone: $("phone").value || null, forenames: $("forenames").value || null, surname: $("surname").value || null, date_of_birth: $("dob").value || null },
      location: loc, answered_after_s: $("answered").value ? Number($("answered").value) : null, person_ref: confirmed, rejected_refs: [...rejected] };
    try {
      const made = await api("POST", "/api/v1/contacts", body);
      incident = made.incident_ref;
      $("after").hidden = false;
      $("incident-ref").textContent = incident; $("incident-ref").href = "/incidents/" + incident;
      $("entity-warnings").innerHTML = made.warnings.map((w) => `<span class="flag warning">${esc(w)}</span>`).join(" ")
        + made.links.map((l) => `<div class="match">Mentioned: <a href="${l.kind === "person" ? "/people/" + esc(l.ref) : "#"}" target="_blank">${esc(l.label)}</a></div>`).join("");
      $("duplicates").innerHTML = made.duplicates.map((d) => `<div class="match">Possible duplicate of <a href="/incidents/${esc(d.incident_ref)}">${esc(d.incident_ref)}</a>
        (${Math.round(d.distance_m)} m, ${Math.round(d.minutes_apart)} min apart): ${d.reasons.map(esc).join(" · ")}
        <button type="button" class="small merge" data-into="${esc(d.incident_ref)}">Same event: merge</button></div>`).join("");
      document.querySelectorAll(".merge").forEach((b) => b.addEventListener("click", async () => {
        try { const m = await api("POST", `/api/v1/incidents/${incident}/merge`, { into: b.dataset.into }); incident = m.ref; b.parentElement.textContent = "Merged into " + m.ref; }
        catch (e) { $("after-error").textContent = e.message; }
      }));
      for (const [dim, v] of Object.entries(made.thrive_suggestion || {})) {
        $(dim + "-score").value = String(v.score); $(dim + "-reason").value = v.reason;
      }
      $("threat-reason").focus();
    } catch (e) { $("call-error").textContent = e.message; }
  });

  const assessment = () => {
    const out = { urban: $("urban").checked, in_progress: $("in-progress").checked };
    for (const d of ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]) out[d] = { score: Number($(d + "-score").value), reason: $(d + "-reason").value.trim() || "not indicated" };
    return out;
  };
  $("thrive").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      proposal = await api("POST", "/api/v1/thrive/proposal", assessment());
      $("proposal").innerHTML = `<p class="proposal">Proposed: <span class="grade ${esc(proposal.grade)}" id="proposed-grade">${esc(proposal.grade)}</span> ${esc(proposal.resolution)}</p><ul>${proposal.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>`;
      $("grade").value = proposal.grade; $("decide").hidden = false; $("grade").focus();
    } catch (e) { $("after-error").textContent = e.message; }
  });
  $("decide").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const rec = await api("POST", `/api/v1/incidents/${incident}/thrive`, { ...assessment(), grade: $("grade").value, override_reason: $("override-reason").value });
      $("decide-result").textContent = `Recorded ${rec.chosen_grade} (version ${rec.version})` + (rec.deadline ? `, attend by ${new Date(rec.deadline).toLocaleTimeString("en-GB", { timeZone: zone })}` : "");
      $("resolve").hidden = !["G4", "G5"].includes(rec.chosen_grade);
      if (!$("resolve").hidden) $("resolve-note").focus();
    } catch (e) { $("after-error").textContent = e.message; }
  });
  $("resolve").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", `/api/v1/incidents/${incident}/resolve`, { resolution: $("resolution").value, note: $("resolve-note").value });
      $("resolve-result").textContent = "Resolved without deployment."; await counter();
    } catch (e) { $("after-error").textContent = e.message; }
  });
  counter();
})();
