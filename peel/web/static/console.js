// Call-handler console: live caller look-up while typing, save the call, THRIVE proposal, grade, resolve.
(function () {
  const zone = (document.querySelector('meta[name="peel-timezone"]') || {}).content || "Europe/London";
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  // Builds an element from attributes and children (nodes or text): record text never becomes markup.
  const h = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "dataset") Object.assign(node.dataset, value); else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== "") node.append(child);
    return node;
  };
  const fill = (el, nodes, empty) => el.replaceChildren(...(nodes.length ? nodes : [empty()]));
  const words = (s) => String(s ?? "").replace(/_/g, " ");
  const between = (nodes, sep) => nodes.flatMap((n, i) => (i ? [sep, n] : [n]));
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

  const match = (m) => h("div", { class: "match", dataset: { ref: m.person_ref } },
    h("strong", {}, h("a", { href: "/people/" + encodeURIComponent(m.person_ref), target: "_blank" }, m.name)), " ",
    m.date_of_birth ? m.date_of_birth.split("-").reverse().join("/") : "", " ",
    h("span", { class: "pill" }, Math.round(m.score * 100) + "%"), " ",
    between(m.markers.map((k) => h("span", { class: "marker warning" }, k)), " "),
    h("div", { class: "small muted" }, m.basis.join(" · ")),
    h("button", { type: "button", class: "small confirm" }, confirmed === m.person_ref ? "Confirmed ✔" : "This is the caller"), " ",
    h("button", { type: "button", class: "small reject" }, "Not the caller"));
  const contact = (c) => h("tr", {},
    h("td", { class: "when" }, new Date(c.received_at).toLocaleString("en-GB", { dateStyle: "short", timeStyle: "short", timeZone: zone })),
    h("td", {}, h("a", { href: "/incidents/" + encodeURIComponent(c.incident_ref), target: "_blank" }, c.incident_ref), c.role === "victim" ? " (victim)" : ""),
    h("td", {}, c.category), h("td", {}, c.grade || ""), h("td", {}, words(c.outcome)));

  const renderLookup = (data) => {
    $("flags").replaceChildren(...data.flags.map((f) => h("span", { class: "flag " + f.kind, dataset: { flag: f.kind }, title: f.reason }, words(f.kind) + ": " + f.reason)));
    fill($("matches"), data.matches.map(match), () => h("p", { class: "muted" }, "No matching person."));
    fill($("history"), data.history.map(contact), () => h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No previous contact.")));
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
      $("entity-warnings").replaceChildren(...between(made.warnings.map((w) => h("span", { class: "flag warning" }, w)), " "),
        ...made.links.map((l) => h("div", { class: "match" }, "Mentioned: ",
          h("a", { href: l.kind === "person" ? "/people/" + encodeURIComponent(l.ref) : "#", target: "_blank" }, l.label))));
      $("duplicates").replaceChildren(...made.duplicates.map((d) => h("div", { class: "match" }, "Possible duplicate of ",
        h("a", { href: "/incidents/" + encodeURIComponent(d.incident_ref) }, d.incident_ref),
        ` (${Math.round(d.distance_m)} m, ${Math.round(d.minutes_apart)} min apart): ${d.reasons.join(" · ")} `,
        h("button", { type: "button", class: "small merge", dataset: { into: d.incident_ref } }, "Same event: merge"))));
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
      $("proposal").replaceChildren(
        h("p", { class: "proposal" }, "Proposed: ", h("span", { class: "grade " + proposal.grade, id: "proposed-grade" }, proposal.grade), " ", proposal.resolution || ""),
        h("ul", {}, proposal.reasons.map((r) => h("li", {}, r))));
      $("grade").value = proposal.grade; $("decide").hidden = false; $("grade").focus();
    } catch (e) { $("after-error").textContent = e.message; }
  });
  $("decide").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const rec = await api("POST", `/api/v1/incidents/${incident}/thrive`, { ...assessment(), grade: $("grade").value, override_reason: $("override-reason").value });
      $("decide-result").textContent = `Recorded ${rec.chosen_grade} (version ${rec.version})` + (rec.deadline ? `, attend by ${new Date(rec.deadline).toLocaleString("en-GB", { timeZone: zone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })}` : "");
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
