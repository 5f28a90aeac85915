// A job's page: poll /api/v1/jobs/{id} every second and show its status, progress and result. Text only
// (textContent), never HTML; a result link is followed only when it is a path on this site.
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const url = box.dataset.jobUrl;
  const FINISHED = ["succeeded", "failed", "cancelled"];
  const byId = (id) => document.getElementById(id);
  const local = (href) => typeof href === "string" && href.startsWith("/") && !href.startsWith("//");

  function show(job) {
    box.dataset.status = job.status;
    byId("job-status").textContent = job.status;
    byId("job-message").textContent = job.message;
    byId("job-progress").value = job.progress;
    byId("job-percent").textContent = Math.round(100 * job.progress) + " %";
    byId("job-attempts").textContent = String(job.attempts);
    byId("job-error").textContent = job.error;
    byId("job-error").hidden = !job.error;
    const link = job.result && job.result.url;
    if (local(link)) { byId("job-result-link").href = link; byId("job-result").hidden = false; }
    byId("job-cancel").hidden = FINISHED.includes(job.status);
    byId("job-retry").hidden = !["failed", "cancelled"].includes(job.status);
  }

  async function poll() {
    try {
      const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (r.ok) { const job = await r.json(); show(job); if (FINISHED.includes(job.status)) return; }
    } catch (err) { byId("job-message").textContent = "connection lost, retrying"; }
    setTimeout(poll, 1000);
  }
  if (!FINISHED.includes(box.dataset.status)) setTimeout(poll, 1000);
})();
