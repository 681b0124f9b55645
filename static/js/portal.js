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


  // --- Code picker ------------------------------------------------------------------------------
  // Over a box of native checkboxes (which stay the form's state and work without script):
  // a search field as an ARIA combobox with a multi-select listbox, and the chosen values as
  // chips that remove themselves. Arrow keys move, Enter chooses or drops, Escape closes.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function fmt(template, value) { return (template || "").replace("%s", value); }
  var MAX_SHOWN = 60;

  function picker(root, n) {
    var d = root.dataset;
    var box = root.querySelector(".picker-box");
    var items = Array.prototype.map.call(box.querySelectorAll("input[type=checkbox]"), function (input) {
      var label = root.querySelector("label[for='" + input.id + "']");
      var text = label ? label.textContent.replace(/\s+/g, " ").trim() : input.value;
      return { input: input, text: text, key: fold(text) };
    });
    var id = "picker-" + n;
    var wrap = document.createElement("div");
    wrap.className = "picker";
    wrap.innerHTML =
      '<label for="' + id + '-search"></label>' +
      '<p class="help" id="' + id + '-help"></p>' +
      '<input type="search" id="' + id + '-search" role="combobox" aria-autocomplete="list" aria-expanded="false" ' +
      'aria-controls="' + id + '-list" autocomplete="off" data-picker-input aria-describedby="' + id + '-help">' +
      '<ul role="listbox" id="' + id + '-list" aria-multiselectable="true" class="picker-list" hidden></ul>' +
      '<p class="chips-label" id="' + id + '-chosen"></p>' +
      '<ul class="chips" aria-labelledby="' + id + '-chosen"></ul>' +
      '<p class="visually-hidden" aria-live="polite" id="' + id + '-live"></p>';
    var label = wrap.querySelector("label"), help = wrap.querySelector(".help");
    var input = wrap.querySelector("input"), list = wrap.querySelector("[role=listbox]");
    var chips = wrap.querySelector(".chips"), chosen = wrap.querySelector(".chips-label");
    var live = wrap.querySelector("[aria-live]");
    label.textContent = d.labelSearch;
    help.textContent = d.labelHelp;
    list.setAttribute("aria-label", d.labelSearch);
    box.hidden = true;
    root.appendChild(wrap);
    var shown = [], active = -1;

    function announce(text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 30); }
    function toggle(item) {
      item.input.checked = !item.input.checked;
      item.input.dispatchEvent(new Event("change", { bubbles: true }));
      announce(fmt(item.input.checked ? d.labelAdded : d.labelRemoved, item.text));
      renderChips();
      renderList();
    }
    function renderChips() {
      chips.innerHTML = "";
      var picked = items.filter(function (it) { return it.input.checked; });
      chosen.textContent = picked.length ? fmt(d.labelChosen, picked.length) : d.labelNone;
      picked.forEach(function (item, i) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = item.text + " \u2715";
        b.setAttribute("aria-label", fmt(d.labelRemove, item.text));
        b.addEventListener("click", function () {
          toggle(item);
          var next = chips.querySelectorAll("button")[Math.min(i, chips.children.length - 1)];
          (next || input).focus();
        });
        li.appendChild(b);
        chips.appendChild(li);
      });
    }
    function open(isOpen) {
      list.hidden = !isOpen;
      input.setAttribute("aria-expanded", isOpen ? "true" : "false");
      if (!isOpen) { active = -1; input.removeAttribute("aria-activedescendant"); }
    }
    function renderList() {
      var q = fold(input.value.trim());
      var matches = items.filter(function (it) { return !q || it.key.indexOf(q) !== -1; });
      shown = matches.slice(0, MAX_SHOWN);
      list.innerHTML = "";
      shown.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", item.input.checked ? "true" : "false");
        li.textContent = item.text;
        if (i === active) { li.className = "active"; }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { active = i; toggle(item); input.focus(); });
        list.appendChild(li);
      });
      if (!matches.length) {
        var none = document.createElement("li");
        none.className = "picker-more"; none.setAttribute("role", "option"); none.setAttribute("aria-disabled", "true");
        none.textContent = d.labelNomatch;
        list.appendChild(none);
      } else if (matches.length > shown.length) {
        var more = document.createElement("li");
        more.className = "picker-more"; more.setAttribute("role", "option"); more.setAttribute("aria-disabled", "true");
        more.textContent = fmt(d.labelMore, matches.length - shown.length);
        list.appendChild(more);
      }
      if (active >= 0 && shown[active]) {
        input.setAttribute("aria-activedescendant", id + "-opt-" + active);
        var el = document.getElementById(id + "-opt-" + active);
        if (el && el.scrollIntoView) { el.scrollIntoView({ block: "nearest" }); }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    input.addEventListener("input", function () { active = -1; open(true); renderList(); });
    input.addEventListener("focus", function () { open(true); renderList(); });
    input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 150); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        open(true);
        if (!shown.length) { return; }
        active = e.key === "ArrowDown" ? Math.min(active + 1, shown.length - 1) : Math.max(active - 1, 0);
        renderList();
      } else if (e.key === "Enter") {
        e.preventDefault();  // never submit the whole form from the search field
        if (active < 0 && shown.length === 1) { active = 0; }
        if (active >= 0 && shown[active]) { toggle(shown[active]); }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); open(false); }
      }
    });
    renderChips();
  }

  // --- "3 of 7 characteristics, application + personal" on the profile form ---------------------
  function criteriaIndicator() {
    var box = document.querySelector("[data-criteria-indicator]");
    if (!box) { return; }
    var form = box.closest("form") || document;
    var d = box.dataset;
    function update() {
      var count = 0, kinds = {};
      form.querySelectorAll("[data-criterion]").forEach(function (fs) {
        if (fs.querySelector("input[type=checkbox]:checked")) { count += 1; kinds[fs.dataset.kind] = true; }
      });
      var parts = [];
      if (kinds.application) { parts.push(d.application); }
      if (kinds.personal) { parts.push(d.personal); }
      var ok = count >= 3 && kinds.application && kinds.personal;
      box.textContent = fmt(d.count, count) + ", " + (parts.length ? parts.join(" + ") : d.none) + " \u2014 " +
        (ok ? d.ok : d.missing);
      box.classList.toggle("ok", !!ok);
    }
    form.addEventListener("change", function (e) { if (e.target.closest("[data-criterion]")) { update(); } });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(picker);
    criteriaIndicator();
    menu();
    scrollBoxes();
    errorSummary();
    window.iobPollJobs(document);
  });
})();
