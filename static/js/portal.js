// The portal's small scripts. Every page works without them; they only make it easier.
(function () {
  "use strict";

  // --- Progress bars for background jobs -------------------------------------------------
  // Any element with data-job-progress-url is polled until its job finishes, then the page
  // reloads (or follows data-job-done-url).
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

  // --- Error summary -----------------------------------------------------------------------
  // The summary takes the focus, so a screen reader reads it and the reader sees it; its
  // links move the focus to the input they name (or the first input of a fieldset).
  function errorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      var input = target.matches("input, select, textarea, button") ? target
        : target.querySelector("input:not([type=hidden]):not([hidden]), select, textarea, [data-picker-input]");
      var visible = target.querySelector("[data-picker-input]") || input;
      if (visible) {
        event.preventDefault();
        target.scrollIntoView({ block: "start" });
        visible.focus({ preventScroll: true });
      }
    });
  }

  // --- Menu -----------------------------------------------------------------------------------
  // On a narrow screen the menu folds behind a button. Without script it stays open.
  function menu() {
    var nav = document.querySelector("[data-menu]");
    if (!nav) { return; }
    var button = nav.querySelector("[data-menu-toggle]");
    var list = nav.querySelector("ul");
    var narrow = window.matchMedia("(max-width: 48rem)");
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      list.hidden = !open;
    }
    function sync() {
      if (narrow.matches) { button.hidden = false; set(false); } else { button.hidden = true; list.hidden = false; }
    }
    button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches && !list.hidden) { set(false); button.focus(); }
    });
    if (narrow.addEventListener) { narrow.addEventListener("change", sync); }
    sync();
  }

  // --- Wide tables -----------------------------------------------------------------------------
  // A table that the page did not put in a scroll box gets one, so that the page itself
  // never scrolls sideways; the box is a labelled region that the keyboard can scroll.
  function scrollBoxes() {
    document.querySelectorAll("main table").forEach(function (table, i) {
      if (table.closest(".table-scroll")) { return; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      box.setAttribute("role", "region");
      box.tabIndex = 0;
      var caption = table.querySelector("caption");
      if (caption) {
        if (!caption.id) { caption.id = "table-caption-" + i; }
        box.setAttribute("aria-labelledby", caption.id);
      } else {
        box.setAttribute("aria-label", document.documentElement.lang === "en" ? "Table" : "Tabel");
      }
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    menu();
    scrollBoxes();
    errorSummary();
    window.iobPollJobs(document);
  });
})();
