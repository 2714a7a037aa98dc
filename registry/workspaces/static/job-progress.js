// The import job's page follows the job without reloading: its state, bar and counts every second,
// then the whole page once the job has ended (for its summary and error report).
(function () {
  "use strict";
  var panel = document.getElementById("job");
  if (!panel) { return; }
  var url = panel.getAttribute("data-status-url");
  function show(job) {
    document.getElementById("progress").value = job.progress;
    ["inserted", "updated", "unchanged", "rejected"].forEach(function (name) {
      var cell = panel.querySelector("dd." + name);
      if (cell) { cell.textContent = job[name]; }
    });
    panel.querySelector("dd.rows-read").textContent = job.rows_read;
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (answer) { return answer.json(); })
      .then(function (job) {
        show(job);
        if (job.state === "done" || job.state === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
