/* casedocs: the page of a job still at work (jobs/job.html, console/document_job.html). It asks the
   job's JSON every two seconds, moves the progress bar, and reloads the page once the job has moved
   on (running, done or failed). A <meta http-equiv="refresh"> did this before, but reloading the page
   every two seconds takes it away from someone reading it with a screen reader or a keyboard (WCAG
   2.2.1; axe-core's meta-refresh rule). Without JavaScript the page has a "Refresh now" link. */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-json]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-job-json");
  var state = box.getAttribute("data-job-state");
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-job-percent]");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (job) {
        if (job && job.state !== state) { window.location.reload(); return; }
        if (job) {
          var value = Math.round((job.progress || 0) * 100);
          if (bar) { bar.value = value; bar.textContent = value + "%"; }
          if (percent) { percent.textContent = value + "%"; }
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
}());
