// The impact preview on a profile page: fetch the HTML fragment its link points to and
// show it in place. Without script (or when the fetch fails) the link stays and works.
(function () {
  function load(box) {
    fetch(box.dataset.fragmentUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        box.innerHTML = html;
        // A large preview runs as a job: start its progress bar.
        if (window.iobPollJobs) { window.iobPollJobs(box); }
      })
      .catch(function () { /* keep the link */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-fragment-url]").forEach(load);
  });
})();
