// Progress bars for background jobs: any element with data-job-progress-url is polled
// until its job finishes, then the page reloads (or follows data-job-done-url).
(function () {
  function poll(el) {
    var bar = el.querySelector("progress");
    var text = el.querySelector("[data-job-message]");
    fetch(el.dataset.jobProgressUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (bar) { bar.value = job.progress; bar.textContent = job.progress + "%"; }
        if (text) { text.textContent = job.message || job.status; }
        if (job.status === "succeeded" || job.status === "failed") {
          if (el.dataset.jobDoneUrl) { window.location = el.dataset.jobDoneUrl; } else { window.location.reload(); }
        } else {
          setTimeout(function () { poll(el); }, 700);
        }
      })
      .catch(function () { setTimeout(function () { poll(el); }, 2000); });
  }
  // Also for HTML inserted later (the impact preview fragment on a profile page).
  window.iobPollJobs = function (root) {
    (root || document).querySelectorAll("[data-job-progress-url]").forEach(poll);
  };
  document.addEventListener("DOMContentLoaded", function () { window.iobPollJobs(document); });
})();
